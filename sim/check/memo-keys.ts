/**
 * The memo keys of the search's stack frames, once the search files configurations under what
 * the model lets it forget (Search.keyOf). Made only then: a search that never struggles pays
 * nothing for them. Frames pushed before hold no key; their key is their state, which is
 * always a sound key.
 */
export class MemoKeys<S> {
  private readonly keys: S[] = [];
  private readonly hashes: Int32Array;
  /** Every frame at this depth or deeper was pushed with its key. */
  private keyedFrom = Infinity;
  /** Each returned operation by its bit in the search's known set, in index order. */
  private readonly knownOps: Int32Array;

  /** `known[op]` is 1 for the operations that returned (the search's own array). */
  constructor(known: Uint8Array) {
    this.hashes = new Int32Array(known.length);
    let count = 0;
    for (let op = 0; op < known.length; op++) count += known[op] ?? 0;
    this.knownOps = new Int32Array(count);
    count = 0;
    for (let op = 0; op < known.length; op++) if (known[op] === 1) this.knownOps[count++] = op;
  }

  /** The key of the frame pushed at `depth` (the configuration it leaves). */
  keep(depth: number, key: S, hash: number): void {
    this.keys[depth] = key;
    this.hashes[depth] = hash;
    this.keyedFrom = Math.min(this.keyedFrom, depth);
  }

  kept(depth: number): boolean {
    return depth >= this.keyedFrom;
  }

  keyAt(depth: number): S {
    return this.keys[depth] as S;
  }

  hashAt(depth: number): number {
    return this.hashes[depth] ?? 0;
  }

  /**
   * An operation index below which every operation that returned is linearized, from the
   * window of the known set (memo.ts): every word before its first is full.
   */
  firstUnsure(window: { readonly low: number }): number {
    const bit = window.low * 32;
    return bit < this.knownOps.length ? (this.knownOps[bit] ?? 0) : Infinity;
  }
}
