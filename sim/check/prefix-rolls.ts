import { ROLL_BASE } from './hashing.js';

/**
 * Prefix rolling hashes of a partition's reads: `of(read)[i]` is rollHash(read.slice(0, i)).
 * Reads come in history order, and a key's reads mostly repeat or extend the one before them
 * (appends between two gets) until a put starts the value afresh: such a run of reads shares
 * one table, that of its longest read (each read is checked to be a prefix of it at set-up), so
 * a key costs a table per put that was read, not one per read. Tables are built at first use.
 */
export class PrefixRolls {
  private readonly headOf = new Map<string, { text: string; rolls: Int32Array | null }>();

  constructor(reads: Iterable<string>) {
    let head: { text: string; rolls: Int32Array | null } | null = null;
    for (const read of reads) {
      if (head !== null && read.length > head.text.length && read.startsWith(head.text)) {
        head.text = read; // the run goes on, longer: every member is a prefix of this read too
      } else if (head === null || !head.text.startsWith(read)) {
        head = this.headOf.get(read) ?? { text: read, rolls: null };
      }
      this.headOf.set(read, head);
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
