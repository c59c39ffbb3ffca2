import type { RaftView, Vouch } from './view.js';

/** What a node has made durable, as of its last persist. */
interface Durable {
  readonly term: number;
  readonly votedFor: number | null;
  readonly lastLogIndex: number;
}

/**
 * G5's bookkeeping: what each node had when it last persisted, and the lowest log index it has
 * changed since. A reply that vouches for state (a granted vote, an acknowledged append or
 * snapshot) must find that state durable: term and vote saved, and no unsaved change at or
 * below the index it acknowledges (etcd's rule: such messages wait for the disk).
 */
export class Durability {
  private readonly durable: Durable[];
  private readonly dirtyFrom: number[];

  constructor(servers: number) {
    this.durable = Array.from({ length: servers }, () => ({
      term: 0,
      votedFor: null,
      lastLogIndex: 0,
    }));
    this.dirtyFrom = new Array<number>(servers).fill(Infinity);
  }

  /** The node saved its state: everything it has now is durable. */
  saved(node: number, view: RaftView): void {
    this.durable[node] = {
      term: view.term,
      votedFor: view.votedFor,
      lastLogIndex: view.lastLogIndex,
    };
    this.dirtyFrom[node] = Infinity;
  }

  /** The node changed its log from `index` on (not yet saved). */
  changed(node: number, index: number): void {
    if (index < (this.dirtyFrom[node] as number)) this.dirtyFrom[node] = index;
  }

  /** Why `vouch` is premature, or null when what it vouches for is durable. */
  premature(node: number, vouch: Vouch): string | null {
    const d = this.durable[node] as Durable;
    if (d.term < vouch.term)
      return `node ${node} vouches in term ${vouch.term} with term ${d.term} durable`;
    if (vouch.kind === 'vote') {
      return d.term === vouch.term && d.votedFor !== vouch.candidate
        ? `node ${node} grants ${vouch.candidate} a vote not yet durable (durable: ${d.votedFor})`
        : null;
    }
    if (d.lastLogIndex < vouch.matchIndex) {
      return `node ${node} acks index ${vouch.matchIndex} with ${d.lastLogIndex} durable`;
    }
    const dirty = this.dirtyFrom[node] as number;
    if (dirty <= vouch.matchIndex) {
      return `node ${node} acks index ${vouch.matchIndex} with its log changed at ${dirty} and not saved`;
    }
    return null;
  }
}
