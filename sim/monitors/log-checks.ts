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

  /**
   * Checks the entries of `view` from `from` through `through` (by default its last); returns a
   * description of a conflict or null.
   */
  check(view: RaftView, from: number, through = view.lastLogIndex): string | null {
    const start = Math.max(from, view.snapshotIndex + 1);
    const end = Math.min(through, view.lastLogIndex);
    for (let index = start; index <= end; index++) {
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
 * The ghost set of truly committed entries. An entry of term T is committed once a majority of
 * nodes have held it while they were in term T — exactly the acknowledgements the leader of T
 * may count (Figure 2's rule, evaluated omnisciently, independent of any node's bookkeeping).
 * A node that gets an old-term entry later, from a newer leader, does not count for it: that is
 * Figure 8's trap. Everything before a committed entry is committed too.
 */
export class GhostCommit {
  /** committedTerm[i] is the term of the committed entry at i; -1 where only a snapshot knew. */
  private readonly committedTerm: number[] = [0];
  /**
   * committedIn[i] is the term whose leader's majority made entry i committed. Leader
   * completeness binds leaders of later terms only: a late leader of an earlier term (its votes
   * were delayed) may lawfully lack it, and cannot commit anything over it.
   */
  private readonly committedIn: number[] = [0];
  private upTo = 0;
  /** Per node: term → the highest index of that term it has held while in that term. */
  private readonly held: Map<number, number>[];
  private readonly scratch: number[] = [];

  constructor(
    servers: number,
    private readonly majority: number,
  ) {
    this.held = Array.from({ length: servers }, () => new Map<number, number>());
  }

  get index(): number {
    return this.upTo;
  }

  termAt(index: number): number | undefined {
    return this.committedTerm[index];
  }

  /**
   * Node `node` (seen through `view`) may hold new entries of its own term: record them and
   * advance the commit if a majority now holds them.
   */
  observe(node: number, view: RaftView): void {
    const term = view.term;
    const last = view.lastLogIndex;
    if (last === 0 || view.termAt(last) !== term) return; // own-term entries end the log
    const held = this.held[node] as Map<number, number>;
    if ((held.get(term) ?? 0) >= last) return;
    held.set(term, last);
    const quorum = this.quorumIndex(term);
    if (quorum <= this.upTo) return;
    for (let index = this.upTo + 1; index <= quorum; index++) {
      // `view` holds (quorum, term), so by log matching its prefix is the committed one.
      this.committedTerm[index] = view.termAt(index) ?? -1;
      this.committedIn[index] = term;
    }
    this.upTo = quorum;
  }

  /** The highest index of `term` that a majority has held while in `term`. */
  private quorumIndex(term: number): number {
    // Filled by index, never emptied: `length = 0` would free the array's storage every time.
    const indexes = this.scratch;
    let count = 0;
    for (const held of this.held) {
      // Insertion, highest first (a handful of values; sort() would allocate on every call).
      const value = held.get(term) ?? 0;
      let at = count++;
      while (at > 0 && (indexes[at - 1] as number) < value) {
        indexes[at] = indexes[at - 1] as number;
        at--;
      }
      indexes[at] = value;
    }
    return indexes[this.majority - 1] ?? 0;
  }

  /**
   * Describes the first entry committed in an earlier term that `leader` lacks, or null if it
   * holds them all.
   */
  missingFrom(leader: RaftView): string | null {
    const bound = this.committedBefore(leader.term);
    if (leader.lastLogIndex < bound) {
      return `leader's log ends at ${leader.lastLogIndex}, before committed index ${bound}`;
    }
    for (let index = leader.snapshotIndex + 1; index <= bound; index++) {
      const want = this.committedTerm[index] as number;
      const have = leader.termAt(index);
      if (want !== -1 && have !== want) {
        return `committed entry ${index} of term ${want} is term ${have} in the leader's log`;
      }
    }
    return null;
  }

  /** The highest index committed in a term before `term` (commit terms never go down). */
  private committedBefore(term: number): number {
    let index = this.upTo;
    while (index > 0 && (this.committedIn[index] as number) >= term) index--;
    return index;
  }
}
