import { readOf } from './model-kv-prefix.js';
import type { PrefixRolls } from './prefix-rolls.js';
import type { LookaheadOp } from './types.js';

/** The shapes of the versioned kv model (model-kv.ts) this rule reads (no import cycle). */
type Op = LookaheadOp<{ readonly op: string }, { readonly err: string; readonly value?: string }>;

/**
 * Unplaced gets looked at per question, past which a value counts as possibly read: the answer
 * must stay cheap on long histories, and "possibly read" is always safe (see `unread`).
 */
const LOOK_LIMIT = 512;

/**
 * Whether any get still to be linearized could read a value that extends the current one.
 *
 * Only a get looks at a key's value: puts look at its version, appends only add to its end.
 * And a get G can meet a value that grew from the current one, without a put in between, only
 * if G's value starts with it. So when no unplaced get's value does, the current value is never
 * read again, as is anything appended to it: which of those values the state holds makes no
 * difference to what can still be linearized, only the version does. The memo may then file the
 * configuration under the version alone (Lookahead's `forget`, types.ts), and the orders of a
 * run of appends that a put overwrites before any read, all different values, become one
 * configuration instead of one each.
 *
 * "Starts with" is decided by prefix hashes (PrefixRolls): equal hashes count as a read (which
 * only keeps the value), so a collision costs time, never a verdict.
 */
export class UnreadValues {
  /** Local indexes of the gets answered with a value, in increasing order. */
  private readonly gets: Int32Array;

  constructor(
    private readonly ops: readonly Op[],
    private readonly prefixes: PrefixRolls,
  ) {
    let count = 0;
    for (let op = 0; op < ops.length; op++) if (readOf(ops[op] as Op) !== null) count++;
    this.gets = new Int32Array(count);
    count = 0;
    for (let op = 0; op < ops.length; op++)
      if (readOf(ops[op] as Op) !== null) this.gets[count++] = op;
  }

  /**
   * True only if no unplaced get's value starts with the value of length `length` and rolling
   * hash `roll`. `from`: every get with a smaller local index is placed.
   */
  unread(length: number, roll: number, placed: Uint8Array, from: number): boolean {
    const { gets } = this;
    let looked = 0;
    for (let k = firstAtLeast(gets, from); k < gets.length; k++) {
      const get = gets[k] ?? 0;
      if (placed[get] === 1) continue;
      if (++looked > LOOK_LIMIT) return false;
      const value = readOf(this.ops[get] as Op) as string;
      if (value.length >= length && this.prefixes.of(value)[length] === roll) return false;
    }
    return true;
  }
}

/** The first position of `sorted` holding `value` or more (sorted.length if none). */
function firstAtLeast(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
