import type { RaftMessage } from '../../raft/messages.js';
import type { RaftNode } from '../../raft/node.js';
import type { ApplyMsg } from '../../raft/types.js';
import type { Persister } from '../../sim/storage.js';
import type { World } from '../../sim/world.js';
import { encodeValue, type LabValue } from './values.js';

export type { ApplyMsg } from '../../raft/types.js';
export type { Persister } from '../../sim/storage.js';

/** The lab's applyCh: where a peer's ApplyMsgs go, in order. */
export interface ApplyCh {
  send(message: ApplyMsg): void;
}

/** The simulated network a peer talks through: the lab's `peers []*labrpc.ClientEnd`. */
export type Peers = World<RaftMessage, ApplyMsg, RaftNode>;

/**
 * The lab's Raft API — Make, Start, GetState, Snapshot, Kill — over a simulated host, so that a
 * port of a lab test reads like the original. Every call takes effect at once on virtual time;
 * the host runs the effects (messages, timers, persisting, applies).
 */
export class Raft {
  private dead = false;

  constructor(
    private readonly peers: Peers,
    readonly me: number,
    readonly applyCh: ApplyCh,
  ) {}

  /** Start(command): index, term, isLeader, at once. A killed peer is not leader. */
  start(command: LabValue): { index: number; term: number; isLeader: boolean } {
    let result = { index: -1, term: -1, isLeader: false };
    if (this.dead) return result;
    this.peers.host(this.me).run((node) => {
      const outcome = node.propose(encodeValue(command));
      result = outcome;
      return outcome.effects;
    });
    return result;
  }

  getState(): { term: number; isLeader: boolean } {
    const node = this.dead ? null : this.peers.host(this.me).instance;
    return node === null ? { term: 0, isLeader: false } : node.getState();
  }

  /** Snapshot(index, bytes): the service has everything through index in `snapshot`. */
  snapshot(index: number, snapshot: Uint8Array): void {
    if (!this.dead) this.peers.host(this.me).run((node) => node.snapshot(index, snapshot));
  }

  /** Kill(): the instance and all its volatile state go; what it persisted stays. */
  kill(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.peers.host(this.me).alive) this.peers.crash(this.me);
  }

  killed(): boolean {
    return this.dead;
  }
}

/** Make(peers, me, persister, applyCh): boots peer `me` from `persister`. */
export function make(peers: Peers, me: number, persister: Persister, applyCh: ApplyCh): Raft {
  peers.restart(me, persister);
  return new Raft(peers, me, applyCh);
}
