/**
 * What each follower has told each leader: per term, the highest index it acknowledged (an
 * append accepted, or a snapshot held). Recorded when the reply is sent, so it bounds what any
 * leader can have learned from it. Kept per term because a follower that has moved on still
 * answers an old leader's snapshot in its newer term (acknowledging nothing), and that must not
 * hide the older record. The newest term of each pair sits in flat arrays (the leader's checks
 * read it on every input); older terms move to a map.
 */
export class Acknowledgements {
  private readonly newestTerm: Int32Array;
  private readonly newestIndex: Float64Array;
  /** Per (from, to) pair: older term → highest index acknowledged in it. */
  private readonly older: (Map<number, number> | undefined)[];

  constructor(private readonly servers: number) {
    this.newestTerm = new Int32Array(servers * servers).fill(-1);
    this.newestIndex = new Float64Array(servers * servers);
    this.older = new Array<Map<number, number> | undefined>(servers * servers);
  }

  /** `from` acknowledges `to` through `index`, in `term`. */
  record(from: number, to: number, term: number, index: number): void {
    const slot = from * this.servers + to;
    const newest = this.newestTerm[slot] as number;
    if (term === newest) {
      if (index > (this.newestIndex[slot] as number)) this.newestIndex[slot] = index;
      return;
    }
    if (term > newest) {
      if (newest >= 0) this.olderOf(slot).set(newest, this.newestIndex[slot] as number);
      this.newestTerm[slot] = term;
      this.newestIndex[slot] = index;
      return;
    }
    const older = this.olderOf(slot);
    if (index > (older.get(term) ?? -1)) older.set(term, index);
  }

  /** The highest index `from` has acknowledged to `to` in `term` (0 if none). */
  highest(from: number, to: number, term: number): number {
    const slot = from * this.servers + to;
    if (this.newestTerm[slot] === term) return this.newestIndex[slot] as number;
    return this.older[slot]?.get(term) ?? 0;
  }

  private olderOf(slot: number): Map<number, number> {
    let map = this.older[slot];
    if (map === undefined) {
      map = new Map();
      this.older[slot] = map;
    }
    return map;
  }
}
