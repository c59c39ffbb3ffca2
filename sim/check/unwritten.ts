import { combine, rollHash, ROLL_BASE } from './hashing.js';
import { IntSet } from './int-set.js';

/**
 * Reads of values that no write could have produced: a necessary condition on each read that
 * costs one pass over the partition, so that a corrupted or phantom value is reported at once
 * instead of after a search that must try every order of the operations before it.
 *
 * For the string models: a read that saw a value v (other than the empty string, which needs
 * no write in the kv-append model) was preceded by a last write W that was either a put of
 * exactly v, or an append of a text that ends v. If no put that may take effect has the value v
 * and no append that may take effect has a text ending v, no state reachable by the history's
 * writes holds v, so the read is illegal wherever it is placed.
 */
export interface StringWrites {
  /** Values of the puts that may take effect (answered OK, ErrMaybe, or not at all). */
  readonly puts: Iterable<string>;
  /** Texts of the appends that may take effect. */
  readonly appends: Iterable<string>;
}

/**
 * A test of read values against the writes of one partition; set-up linear in the writes, and
 * each read costs one walk of its value from the end, whatever the number of distinct append
 * lengths (a walk per length was quadratic on crafted histories, past any budget). The appends'
 * texts are kept as hashes and a read's endings hashed as the walk extends them: an unequal hash
 * proves the texts differ, and an equal one only keeps the read for the search.
 */
export function valueWriters(writes: StringWrites): (value: string) => boolean {
  const puts = new Set(writes.puts);
  const endings = new IntSet();
  let longest = -1;
  const texts = [...writes.appends];
  for (const text of texts) longest = Math.max(longest, text.length);
  const appendLength = new Uint8Array(longest + 1);
  for (const text of texts) {
    appendLength[text.length] = 1;
    endings.add(combine(rollHash(text), text.length));
  }
  // An empty append leaves any value as it found it: every value may be its result.
  const emptyAppend = appendLength[0] === 1;
  return (value) => {
    if (emptyAppend || puts.has(value)) return true;
    const top = Math.min(value.length, longest);
    // The hash of value's last `length` characters, as rollHash gives it, one character at a time.
    let ending = 0;
    let weight = 1;
    for (let length = 1; length <= top; length++) {
      ending = (ending + Math.imul(value.charCodeAt(value.length - length), weight)) | 0;
      weight = Math.imul(weight, ROLL_BASE);
      if (appendLength[length] === 1 && endings.has(combine(ending, length))) return true;
    }
    return false;
  };
}

/** The unwritten reads among `ops` (local indexes), given how to read each operation. */
export function unwrittenReads<T>(
  ops: readonly T[],
  writes: StringWrites,
  readValue: (op: T) => string | null,
): number[] {
  const written = valueWriters(writes);
  const found: number[] = [];
  // Reads mostly repeat the value of the read before them: it is judged once per run.
  let last: string | null = null;
  let lastWritten = true;
  ops.forEach((op, local) => {
    const value = readValue(op);
    if (value === null) return;
    if (value !== last) {
      last = value;
      lastWritten = written(value);
    }
    if (!lastWritten) found.push(local);
  });
  return found;
}

/** The texts `pick` finds in `ops` (null: none), in order; one array, no array per operation. */
export function textsOf<T>(ops: readonly T[], pick: (op: T) => string | null): string[] {
  const texts: string[] = [];
  for (let k = 0; k < ops.length; k++) {
    const text = pick(ops[k] as T);
    if (text !== null) texts.push(text);
  }
  return texts;
}

/** What `writesOf` makes of an operation: not a write, a put, or an append. */
export type WriteKind = 0 | 1 | 2;
export const NOT_WRITE = 0;
export const PUT = 1;
export const APPEND = 2;

/** A get is not a write; a put or an append is (whatever its answer). */
export function writeKind(input: { readonly op: string }): WriteKind {
  if (input.op === 'put') return PUT;
  return input.op === 'append' ? APPEND : NOT_WRITE;
}

/**
 * The texts of the writes among `ops`, split into puts and appends in one pass (one pass per
 * kind walked every operation twice, which showed on long histories): `kind` says what an
 * operation is, `text` gives a write's text.
 */
export function writesOf<T>(
  ops: readonly T[],
  kind: (op: T) => WriteKind,
  text: (op: T) => string,
): { readonly puts: string[]; readonly appends: string[] } {
  const puts: string[] = [];
  const appends: string[] = [];
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k] as T;
    const what = kind(op);
    if (what === PUT) puts.push(text(op));
    else if (what === APPEND) appends.push(text(op));
  }
  return { puts, appends };
}

/**
 * In one pass: the open operations of `ops` (local indexes, in order) and the values `read`
 * finds in the completed ones, in order.
 */
export function openAndReads<T extends { readonly return: number | null }>(
  ops: readonly T[],
  read: (op: T) => string | null,
): { readonly open: number[]; readonly reads: string[] } {
  const open: number[] = [];
  const reads: string[] = [];
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k] as T;
    if (op.return === null) {
      open.push(k);
      continue;
    }
    const value = read(op);
    if (value !== null) reads.push(value);
  }
  return { open, reads };
}
