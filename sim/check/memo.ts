/**
 * Lowe's memoisation, strengthened by subsumption. A configuration of the search is the set of
 * linearized operations that returned ("known"), the set of open-ended operations already used
 * ("open"), and the model state. Its outcome depends on nothing else.
 *
 * Only configurations whose search has failed are stored (one still being searched cannot be
 * met again: the linearized set only grows along a path). A failed configuration also rules out
 * every configuration with the same known set and state that has used a superset of its open
 * operations: having fewer open operations left to place (or leave out) never helps.
 *
 * Layout: open addressing over groups (known set + state); each group keeps a linked list of the
 * open sets that failed with it, pruned to those not implied by another.
 *
 * The known set is stored as its window: the words from the first that is not full to the last
 * that is not empty (`Known`). Everything before the window is linearized and nothing after it
 * is, so the window says all, and it spans only the operations around the search's frontier
 * (a word or two) instead of a word per 32 operations of the partition.
 *
 * Bounded: even so, stored sets add up on a long history. Past MEMO_WORDS words it is emptied
 * and starts again. That is safe (the memo only remembers failures, so forgetting one costs
 * time, never a verdict) and keeps the search's memory flat; a search that keeps forgetting runs
 * out of steps instead, and the verdict is "unknown".
 */
export class Memo<S> {
  // The tables are made at the first failure stored, small, and double as they fill: a history
  // of many keys searches a partition per key, most of them a few operations long that store no
  // failure at all, and a search is set up for each.
  private slots = NO_INTS;
  private groupHash = NO_INTS;
  private groupHead = NO_INTS;
  /** Each group's window: first word, word count, and where its words sit in `knownPool`. */
  private groupLow = NO_INTS;
  private groupLength = NO_INTS;
  private groupOffset = NO_INTS;
  private knownPool = NO_WORDS;
  private poolUsed = 0;
  private groupState: S[] = [];
  private groups = 0;
  private entryOpen = NO_WORDS;
  private entryNext = NO_INTS;
  private entries = 0;
  /** Times the table was emptied for room. */
  forgotten = 0;

  constructor(
    private readonly openWords: number,
    private readonly equal: (a: S, b: S) => boolean,
    /** Words of sets held before the table is emptied (smaller in tests, to empty it often). */
    private readonly maxWords = MEMO_WORDS,
  ) {}

  /** Failed configurations stored, implied ones included. */
  get size(): number {
    return this.entries;
  }

  /** Words of sets held (the bulk of the table's memory). */
  get words(): number {
    return this.poolUsed + this.entries * this.openWords;
  }

  /** Forgets every stored failure; the tables keep their sizes, as the search goes on. */
  private reset(): void {
    this.slots.fill(0);
    this.poolUsed = 0;
    this.groupState = [];
    this.groups = 0;
    this.entries = 0;
  }

  /** Whether a stored failure rules this configuration out. */
  rulesOut(known: Known, open: Uint32Array, hash: number, state: S): boolean {
    const group = this.find(known, hash, state);
    if (group === -1) return false;
    for (let e = this.groupHead[group] ?? -1; e !== -1; e = this.entryNext[e] ?? -1) {
      if (this.within(e, open)) return true;
    }
    return false;
  }

  /** Records a configuration whose search failed. */
  add(known: Known, open: Uint32Array, hash: number, state: S): void {
    if (this.slots.length === 0) this.makeTables();
    if (this.words + (known.high - known.low) + this.openWords > this.maxWords) {
      this.forgotten++;
      this.reset();
    }
    let group = this.find(known, hash, state);
    if (group === -1) group = this.newGroup(known, hash, state);
    this.dropSupersets(group, open);
    const entry = this.newEntry(open);
    this.entryNext[entry] = this.groupHead[group] ?? -1;
    this.groupHead[group] = entry;
  }

  private makeTables(): void {
    this.slots = new Int32Array(16);
    this.groupHash = new Int32Array(8);
    this.groupHead = new Int32Array(8);
    this.groupLow = new Int32Array(8);
    this.groupLength = new Int32Array(8);
    this.groupOffset = new Int32Array(8);
    this.knownPool = new Uint32Array(16);
    this.entryOpen = new Uint32Array(8 * this.openWords);
    this.entryNext = new Int32Array(8);
  }

  private find(known: Known, hash: number, state: S): number {
    if (this.groups === 0) return -1;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = (this.slots[slot] ?? 0) - 1;
      if (stored === -1) return -1;
      if (this.groupHash[stored] === hash && this.sameGroup(stored, known, state)) return stored;
    }
  }

  private sameGroup(group: number, known: Known, state: S): boolean {
    const { bits, low, high } = known;
    if (this.groupLow[group] !== low || this.groupLength[group] !== high - low) return false;
    const base = (this.groupOffset[group] ?? 0) - low;
    for (let w = low; w < high; w++) {
      if (this.knownPool[base + w] !== bits[w]) return false;
    }
    return this.equal(this.groupState[group] as S, state);
  }

  /** Entry `e`'s open set is a subset of `open`. */
  private within(e: number, open: Uint32Array): boolean {
    const base = e * this.openWords;
    for (let w = 0; w < this.openWords; w++) {
      if (((this.entryOpen[base + w] ?? 0) & ~(open[w] ?? 0)) !== 0) return false;
    }
    return true;
  }

  /** Unlinks the entries that `open` implies (their open sets contain it). */
  private dropSupersets(group: number, open: Uint32Array): void {
    let previous = -1;
    for (let e = this.groupHead[group] ?? -1; e !== -1; e = this.entryNext[e] ?? -1) {
      if (!this.contains(e, open)) previous = e;
      else if (previous === -1) this.groupHead[group] = this.entryNext[e] ?? -1;
      else this.entryNext[previous] = this.entryNext[e] ?? -1;
    }
  }

  private contains(e: number, open: Uint32Array): boolean {
    const base = e * this.openWords;
    for (let w = 0; w < this.openWords; w++) {
      if (((open[w] ?? 0) & ~(this.entryOpen[base + w] ?? 0)) !== 0) return false;
    }
    return true;
  }

  private newGroup(known: Known, hash: number, state: S): number {
    const group = this.groups++;
    if (group === this.groupHash.length) {
      this.groupHash = grow(this.groupHash, new Int32Array(2 * group));
      this.groupHead = grow(this.groupHead, new Int32Array(2 * group));
      this.groupLow = grow(this.groupLow, new Int32Array(2 * group));
      this.groupLength = grow(this.groupLength, new Int32Array(2 * group));
      this.groupOffset = grow(this.groupOffset, new Int32Array(2 * group));
    }
    const { bits, low, high } = known;
    if (this.poolUsed + high - low > this.knownPool.length) {
      const size = 2 * (this.poolUsed + high - low);
      this.knownPool = grow(this.knownPool, new Uint32Array(size));
    }
    this.groupHash[group] = hash;
    this.groupHead[group] = -1;
    this.groupLow[group] = low;
    this.groupLength[group] = high - low;
    this.groupOffset[group] = this.poolUsed;
    this.knownPool.set(bits.subarray(low, high), this.poolUsed);
    this.poolUsed += high - low;
    this.groupState.push(state);
    this.place(group);
    // Keep the load factor under one half so probe runs stay short.
    if (2 * this.groups > this.slots.length) this.rehash();
    return group;
  }

  private newEntry(open: Uint32Array): number {
    const entry = this.entries++;
    if (entry === this.entryNext.length) {
      this.entryNext = grow(this.entryNext, new Int32Array(2 * entry));
      this.entryOpen = grow(this.entryOpen, new Uint32Array(2 * entry * this.openWords));
    }
    this.entryOpen.set(open, entry * this.openWords);
    return entry;
  }

  private place(group: number): void {
    const mask = this.slots.length - 1;
    let slot = (this.groupHash[group] ?? 0) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = group + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let group = 0; group < this.groups; group++) this.place(group);
  }
}

/**
 * A set of operations as a bitset, with its window: every word before `low` is full, every word
 * from `high` on is empty. Kept up to date by the search as it places and removes operations.
 */
export interface Known {
  readonly bits: Uint32Array;
  readonly low: number;
  readonly high: number;
}

/**
 * 2^22 words: 16 MB of sets per partition. The arrays that hold them double as they fill and
 * keep their size when the table is emptied, so a partition's memo stays under about twice that.
 */
export const MEMO_WORDS = 1 << 22;

/** The empty tables of a memo that has stored nothing yet (never written: each is replaced). */
const NO_INTS = new Int32Array(0);
const NO_WORDS = new Uint32Array(0);

function grow<T extends Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
