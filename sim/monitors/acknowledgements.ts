/**
 * What each follower has told each leader: per term, the highest index it acknowledged (an
 * append accepted, or a snapshot held). Recorded when the reply is sent, so it bounds what any
 * leader can have learned from it. Kept per term because a follower that has moved on still
 * answers an old leader's snapshot in its newer term, and that must not hide the older record.
 */
export class Acknowledgements {
  /** Per (from, to) pair: term → highest index acknowledged in it. */
  private readonly byPair: (Map<number, number> | undefined)[];

  constructor(private readonly servers: number) {
    this.byPair = new Array<Map<number, number> | undefined>(servers * servers);
  }

  /** `from` acknowledges `to` through `index`, in `term`. */
  record(from: number, to: number, term: number, index: number): void {
    const slot = from * this.servers + to;
    let terms = this.byPair[slot];
    if (terms === undefined) {
      terms = new Map();
      this.byPair[slot] = terms;
    }
    if (index > (terms.get(term) ?? -1)) terms.set(term, index);
  }

  /** The highest index `from` has acknowledged to `to` in `term` (0 if none). */
  highest(from: number, to: number, term: number): number {
    return this.byPair[from * this.servers + to]?.get(term) ?? 0;
  }
}
