import { hashBytes, type RaftView } from './view.js';

/** What one (index, term) stands for: its content and the term just before it. */
interface EntryRecord {
  readonly term: number;
  readonly hash: number;
  readonly prevTerm: number;
}

/**
 * Log matching, checked incrementally: every (index, term) ever seen on any node must always
 * carry the same command and follow the same previous term. By induction over the index, that
 * is "same term at i ⇒ identical logs through i" without ever comparing whole logs.
 */
export class LogMatching {
  private readonly byIndex: (EntryRecord[] | undefined)[] = [];

  /** Checks the entries of `view` from `from` on; returns a description of a conflict or null. */
  check(view: RaftView, from: number): string | null {
    const start = Math.max(from, view.snapshotIndex + 1);
    for (let index = start; index <= view.lastLogIndex; index++) {
      const entry = view.entryAt(index);
      const prevTerm = view.termAt(index - 1);
      if (entry === undefined || prevTerm === undefined) continue;
      const conflict = this.record(index, entry.term, hashBytes(entry.command), prevTerm);
      if (conflict !== null) return conflict;
    }
    return null;
  }

  private record(index: number, term: number, hash: number, prevTerm: number): string | null {
    let records = this.byIndex[index];
    if (records === undefined) {
      records = [];
      this.byIndex[index] = records;
    }
    const known = records.find((r) => r.term === term);
    if (known === undefined) {
      records.push({ term, hash, prevTerm });
      return null;
    }
    if (known.hash !== hash) return `index ${index} term ${term} holds two different commands`;
    if (known.prevTerm !== prevTerm) {
      return `index ${index} term ${term} follows term ${prevTerm} here and term ${known.prevTerm} elsewhere`;
    }
    return null;
  }
}

/**
 * The ghost set of truly committed entries: (index, term) held by a majority of the cluster at a
 * moment when the leader of that term had it — Figure 2's commit rule evaluated omnisciently,
 * independent of any node's own bookkeeping. Everything before a committed entry is committed.
 */
export class GhostCommit {
  /** committedTerm[i] is the term of the committed entry at i; -1 where only a snapshot knew. */
  private readonly committedTerm: number[] = [0];
  private upTo = 0;

  constructor(private readonly majority: number) {}

  get index(): number {
    return this.upTo;
  }

  termAt(index: number): number | undefined {
    return this.committedTerm[index];
  }

  /** Advances the ghost commit with what `leader` has replicated in its own term. */
  advance(leader: RaftView, views: readonly (RaftView | null)[]): void {
    const term = leader.term;
    let lo = Math.max(this.upTo + 1, leader.snapshotIndex + 1);
    let hi = leader.lastLogIndex;
    if (lo > hi || leader.termAt(hi) !== term) return;
    // Only the leader's own-term entries count (Figure 8); they form the tail of its log.
    while (lo <= hi && leader.termAt(lo) !== term) lo++;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.heldByMajority(mid, term, views)) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best === -1) return;
    for (let index = this.upTo + 1; index <= best; index++) {
      this.committedTerm[index] = leader.termAt(index) ?? -1;
    }
    this.upTo = best;
  }

  /** Describes the first committed entry `leader` lacks, or null if it holds them all. */
  missingFrom(leader: RaftView): string | null {
    if (leader.lastLogIndex < this.upTo) {
      return `leader's log ends at ${leader.lastLogIndex}, before committed index ${this.upTo}`;
    }
    for (let index = leader.snapshotIndex + 1; index <= this.upTo; index++) {
      const want = this.committedTerm[index] as number;
      const have = leader.termAt(index);
      if (want !== -1 && have !== want) {
        return `committed entry ${index} of term ${want} is term ${have} in the leader's log`;
      }
    }
    return null;
  }

  private heldByMajority(
    index: number,
    term: number,
    views: readonly (RaftView | null)[],
  ): boolean {
    let count = 0;
    for (const view of views) if (view !== null && view.termAt(index) === term) count++;
    return count >= this.majority;
  }
}
