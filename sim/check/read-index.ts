import { combine, ROLL_BASE, rollHash, rollPower } from './hashing.js';
import { IntSet } from './int-set.js';

/**
 * Which of some given texts the reads of a partition show: as a prefix of a value read, or
 * anywhere in one. The texts are known up front (the open operations' values), so the reads'
 * prefixes and windows of those texts' lengths are looked up among the texts' hashes rather
 * than stored: time linear in the total length of the reads (times the number of distinct text
 * lengths, a handful in practice), memory linear in the texts. A read that repeats the one
 * before it costs nothing, and one that extends it (the value with an append) hashes only the
 * windows that end past it.
 *
 * Answers are one-sided, which is all the open-operation rules need: "no" is certain, "maybe"
 * may be a hash collision. A wrong "maybe" only keeps an operation in the search (costing
 * time); a "no" is proof that no read shows the text.
 */
export class ReadIndex {
  /** Hashes (with length) of the texts asked about, and of those a read was found to show. */
  private readonly prefixTargets = new IntSet();
  private readonly windowTargets = new IntSet();
  private readonly prefixes = new IntSet();
  private readonly windows = new IntSet();
  /** The distinct lengths of those texts (an array: iterating a set allocated per element). */
  private readonly prefixLengths: readonly number[];
  private readonly windowLengths: readonly number[];
  /**
   * rolls[i]: the rolling hash of the first i characters of the read being indexed. Valid up to
   * the length of every read on the chain, so a read extending one only hashes its extension.
   */
  private rolls = new Int32Array(64);

  /**
   * `prefixTexts`: the texts `mayStart` will be asked about; `windowTexts`: the same for
   * `mayContain`. Other texts always answer "maybe".
   */
  constructor(
    reads: readonly string[],
    prefixTexts: readonly string[],
    windowTexts: readonly string[],
  ) {
    this.prefixLengths = targets(prefixTexts, this.prefixTargets);
    this.windowLengths = targets(windowTexts, this.windowTargets);
    // In the order given: a history's reads mostly repeat or extend the read before them, and
    // sorting them (to chain every prefix) cost more than the hashing it saved.
    let previous: string | null = null;
    for (let k = 0; k < reads.length; k++) {
      const read = reads[k] as string;
      if (read === previous) continue;
      const known = previous !== null && read.startsWith(previous) ? previous.length : -1;
      this.index(read, known);
      previous = read;
    }
  }

  /** False only if no read starts with `text`. */
  mayStart(text: string): boolean {
    const hash = combine(rollHash(text), text.length);
    if (!this.prefixTargets.has(hash)) return true;
    return this.prefixes.has(hash);
  }

  /** False only if no read contains `text`. */
  mayContain(text: string): boolean {
    const hash = combine(rollHash(text), text.length);
    if (!this.windowTargets.has(hash)) return true;
    return this.windows.has(hash);
  }

  /** Indexes `read`, whose first `known` characters are a read indexed already (-1: none). */
  private index(read: string, known: number): void {
    if (this.rolls.length <= read.length) {
      const grown = new Int32Array(2 * read.length + 1);
      grown.set(this.rolls);
      this.rolls = grown;
    }
    const prefix = this.rolls;
    for (let i = Math.max(0, known); i < read.length; i++) {
      prefix[i + 1] = (Math.imul(prefix[i] ?? 0, ROLL_BASE) + read.charCodeAt(i)) | 0;
    }
    for (let k = 0; k < this.prefixLengths.length; k++) {
      const length = this.prefixLengths[k] ?? 0;
      if (length <= read.length && length > known) {
        const hash = combine(prefix[length] ?? 0, length);
        if (this.prefixTargets.has(hash)) this.prefixes.add(hash);
      }
    }
    for (let k = 0; k < this.windowLengths.length; k++) {
      const length = this.windowLengths[k] ?? 0;
      // roll(read[i .. i + length)) = prefix[i + length] - prefix[i] * BASE^length.
      const power = rollPower(length);
      for (let i = Math.max(0, known - length + 1); i + length <= read.length; i++) {
        const roll = ((prefix[i + length] ?? 0) - Math.imul(prefix[i] ?? 0, power)) | 0;
        const hash = combine(roll, length);
        if (this.windowTargets.has(hash)) this.windows.add(hash);
      }
    }
  }
}

/** Adds the texts' hashes to `set`; returns their distinct lengths. */
function targets(texts: readonly string[], set: IntSet): number[] {
  const lengths = new Set<number>();
  for (const text of texts) {
    lengths.add(text.length);
    set.add(combine(rollHash(text), text.length));
  }
  return [...lengths];
}
