import { assert, unreachable } from './assert.js';
import { raftCodec } from './codec.js';
import type { RaftEffect } from './core.js';
import type { RaftMessage } from './messages.js';
import type { MutantId } from './mutants.js';
import { RaftNode } from './node.js';
import type { RaftOptions } from './options.js';
import { logIndex, term, type ApplyMsg } from './types.js';

/** A message in flight in a TestCluster. */
export interface Flight {
  readonly from: number;
  readonly to: number;
  readonly message: RaftMessage;
}

/**
 * A hand-driven cluster for unit tests: no clock and no network model. Sends queue up until a
 * test delivers them; timers are remembered until a test fires them. Every message crosses the
 * codec, as on the simulator's network. Crash and restart keep only what was persisted.
 */
export class TestCluster {
  readonly nodes: (RaftNode | null)[];
  readonly inFlight: Flight[] = [];
  /** Every apply of each node, across restarts. */
  readonly applied: ApplyMsg[][];
  readonly saved: { raftState: Uint8Array; snapshot: Uint8Array }[];
  readonly timers: Map<string, number>[];
  /** Requests delivered (the lab's RPC count). */
  requestsDelivered = 0;
  private readonly cut = new Set<number>();
  private boots = 0;

  constructor(
    readonly size: number,
    readonly seed = 1,
    readonly options: Partial<RaftOptions> = {},
    /** A deliberately broken build for every node (raft/mutants.ts), or null. */
    readonly mutant: MutantId | null = null,
  ) {
    this.applied = Array.from({ length: size }, () => []);
    this.saved = Array.from({ length: size }, () => ({
      raftState: new Uint8Array(0),
      snapshot: new Uint8Array(0),
    }));
    this.timers = Array.from({ length: size }, () => new Map<string, number>());
    this.nodes = Array.from({ length: size }, () => null);
    for (let i = 0; i < size; i++) this.boot(i);
  }

  node(i: number): RaftNode {
    const node = this.nodes[i];
    assert(node !== null && node !== undefined, `node ${i} is down`);
    return node;
  }

  boot(i: number): void {
    this.boots++;
    const saved = this.saved[i] as { raftState: Uint8Array; snapshot: Uint8Array };
    const node = new RaftNode(
      {
        id: i,
        nodes: this.size,
        raftState: saved.raftState.slice(),
        snapshot: saved.snapshot.slice(),
        seed: this.seed * 1000 + i * 7 + this.boots,
      },
      this.options,
      this.mutant,
    );
    this.nodes[i] = node;
    this.run(i, node.start());
  }

  crash(i: number): void {
    this.nodes[i] = null;
    (this.timers[i] as Map<string, number>).clear();
    for (let k = this.inFlight.length - 1; k >= 0; k--) {
      if ((this.inFlight[k] as Flight).to === i) this.inFlight.splice(k, 1);
    }
  }

  /** Cuts node i off: messages to or from it are dropped when delivered. */
  disconnect(i: number): void {
    this.cut.add(i);
  }

  connect(i: number): void {
    this.cut.delete(i);
  }

  /** Executes effects as the simulator's host would, in order. */
  run(i: number, effects: readonly RaftEffect[]): readonly RaftEffect[] {
    for (const effect of effects) this.perform(i, effect);
    return effects;
  }

  fire(i: number, name: string): readonly RaftEffect[] {
    const timers = this.timers[i] as Map<string, number>;
    assert(timers.has(name), `node ${i} has no ${name} timer pending`);
    timers.delete(name);
    return this.run(i, this.node(i).timer(name));
  }

  propose(i: number, command: Uint8Array): ReturnType<RaftNode['propose']> {
    const result = this.node(i).propose(command);
    this.run(i, result.effects);
    return result;
  }

  snapshot(i: number, index: number, data: Uint8Array): readonly RaftEffect[] {
    return this.run(i, this.node(i).snapshot(index, data));
  }

  /** Delivers the in-flight message at position k (or drops it if an end is cut or down). */
  deliver(k = 0): readonly RaftEffect[] {
    const [flight] = this.inFlight.splice(k, 1);
    assert(flight !== undefined, `no message at ${k}`);
    const target = this.nodes[flight.to];
    if (this.cut.has(flight.from) || this.cut.has(flight.to) || target == null) return [];
    const copy = raftCodec.decode(raftCodec.encode(flight.message));
    if (!isReplyType(copy)) this.requestsDelivered++;
    return this.run(flight.to, target.message(flight.from, copy));
  }

  /** Delivers everything, including what deliveries send, until nothing is in flight. */
  deliverAll(limit = 100_000): void {
    for (let steps = 0; this.inFlight.length > 0; steps++) {
      assert(steps < limit, `deliverAll: still busy after ${limit} messages`);
      this.deliver(0);
    }
  }

  /** Fires node i's election timer and lets the election play out. */
  elect(i: number): void {
    this.fire(i, 'election');
    this.deliverAll();
  }

  /** Fires every pending leader timer (heartbeat, replicate) once and delivers the results. */
  tick(): void {
    for (let i = 0; i < this.size; i++) {
      for (const name of ['replicate', 'heartbeat']) {
        if (this.nodes[i] != null && (this.timers[i] as Map<string, number>).has(name)) {
          this.fire(i, name);
        }
      }
    }
    this.deliverAll();
  }

  leaders(): number[] {
    return this.nodes.flatMap((node, i) => (node?.role === 'leader' ? [i] : []));
  }

  /** The command indexes node i applied, in order (snapshots as their index, negated). */
  appliedIndexes(i: number): number[] {
    return (this.applied[i] as ApplyMsg[]).map((m) =>
      m.commandValid ? m.commandIndex : 0 - m.snapshotIndex,
    );
  }

  private perform(i: number, effect: RaftEffect): void {
    switch (effect.kind) {
      case 'send':
        this.inFlight.push({ from: i, to: effect.to, message: effect.message });
        return;
      case 'setTimer':
        (this.timers[i] as Map<string, number>).set(effect.name, effect.afterMicros);
        return;
      case 'cancelTimer':
        (this.timers[i] as Map<string, number>).delete(effect.name);
        return;
      case 'persist': {
        const saved = this.saved[i] as { raftState: Uint8Array; snapshot: Uint8Array };
        saved.raftState = effect.raftState;
        saved.snapshot = effect.snapshot ?? new Uint8Array(0); // a save replaces both halves
        return;
      }
      case 'apply':
        (this.applied[i] as ApplyMsg[]).push(effect.message);
        return;
      case 'note':
        return;
      default:
        unreachable(effect);
    }
  }
}

function isReplyType(message: RaftMessage): boolean {
  return message.type.endsWith('Reply');
}

export function bytesOf(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** The kinds of effects, in order (tests check the order of persist, send and apply). */
export const effectKinds = (effects: readonly RaftEffect[]): string[] => effects.map((e) => e.kind);

/** The trace notes among the effects. */
export const effectNotes = (effects: readonly RaftEffect[]): string[] =>
  effects.flatMap((e) => (e.kind === 'note' ? [e.text] : []));

export function requestVote(t: number, lastIndex = 0, lastTerm = 0): RaftMessage {
  return {
    type: 'RequestVote',
    term: term(t),
    lastLogIndex: logIndex(lastIndex),
    lastLogTerm: term(lastTerm),
  };
}
