import type { RaftView, SavedView, Vouch } from './view.js';

/** What a node has made durable, as of its last persist. */
export interface Durable {
  readonly term: number;
  readonly votedFor: number | null;
  readonly lastLogIndex: number;
}

/**
 * G5's bookkeeping: what each node's last save holds (decoded from the saved bytes, not read
 * from the node's live fields), and the lowest log index it has changed since. A reply that vouches for state (a granted vote, an acknowledged append or
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

  /**
   * The node saved `saved`. Its term, vote and log length are durable now. The node's log
   * changes noted so far are known to be saved only if the save ends where the live log ends:
   * the view shows the state at the end of the input, and an input may change the log after
   * a save it makes (then a later save of the same input covers the change).
   */
  saved(node: number, saved: SavedView, view: RaftView | null): void {
    this.durable[node] = {
      term: saved.term,
      votedFor: saved.votedFor,
      lastLogIndex: saved.lastLogIndex,
    };
    if (view === null || view.lastLogIndex === saved.lastLogIndex) this.dirtyFrom[node] = Infinity;
  }

  /** What the node's last save holds. */
  durableOf(node: number): Durable {
    return this.durable[node] as Durable;
  }

  /** Whether the node's last save holds all it has now (nothing changed since). */
  covers(node: number, view: RaftView): boolean {
    const d = this.durable[node] as Durable;
    return (
      d.term === view.term &&
      d.votedFor === view.votedFor &&
      d.lastLogIndex === view.lastLogIndex &&
      this.dirtyFrom[node] === Infinity
    );
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
