import { ROLL_BASE } from './hashing.js';

/** Reads tried as the head of a longer read's table before a read gets a table of its own. */
const HEADS_TRIED = 4;

/**
 * Prefix rolling hashes of a partition's reads: `of(read)[i]` is rollHash(read.slice(0, i)).
 * A read that is a prefix of a longer read shares the longer one's table (checked exactly at
 * set-up), so a key whose reads all extend one string costs one table, not one per read.
 * Tables are built at first use.
 */
export class PrefixRolls {
  private readonly headOf = new Map<string, { text: string; rolls: Int32Array | null }>();

  constructor(all: Iterable<string>) {
    const texts = [...new Set(all)].sort((a, b) => b.length - a.length);
    const heads: { text: string; rolls: Int32Array | null }[] = [];
    for (const text of texts) {
      let head = null;
      for (let k = heads.length - 1; k >= 0 && k >= heads.length - HEADS_TRIED; k--) {
        if (heads[k]?.text.startsWith(text) === true) head = heads[k] ?? null;
        if (head !== null) break;
      }
      if (head === null) heads.push((head = { text, rolls: null }));
      this.headOf.set(text, head);
    }
  }

  of(read: string): Int32Array {
    let head = this.headOf.get(read);
    if (head === undefined) this.headOf.set(read, (head = { text: read, rolls: null }));
    head.rolls ??= prefixRolls(head.text);
    return head.rolls;
  }
}

/** rolls[i] = rollHash(text.slice(0, i)) (hashing.ts), for every i up to |text|. */
export function prefixRolls(text: string): Int32Array {
  const rolls = new Int32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    rolls[i + 1] = (Math.imul(rolls[i] ?? 0, ROLL_BASE) + text.charCodeAt(i)) | 0;
  }
  return rolls;
}
