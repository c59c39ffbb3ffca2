import { orderByTime } from './time-order.js';
import type { OpKey } from './types.js';

/**
 * Symmetry pruning. Two operations with the same key (equal input and output) are
 * interchangeable. If A and B are such a pair and A's interval starts no later and ends no later
 * than B's, any linearization placing B before A stays legal with the two swapped (A may move
 * earlier because it was callable wherever B was; B may move later because it returns no
 * earlier than A). So the search may insist that B is linearized only after A, and prune the
 * mirror-image branches. Operations are taken in call order, ties by index, and A is a
 * predecessor of B only if it comes first in that order, which keeps the relation a strict
 * partial order ("A precedes B").
 *
 * Any subset of these "A before B" constraints is equally safe, so each operation keeps only a
 * few of its nearest predecessors: enough for chains of repeats, cheap to test.
 */
export interface Precedence {
  /** Operation `op` must wait for preds[start[op] .. start[op + 1]) to be linearized. */
  readonly start: Int32Array;
  readonly preds: Int32Array;
}

const KEPT = 4;
const SCANNED = 32;

export function buildPrecedence(
  keys: readonly OpKey[],
  calls: Float64Array,
  returns: Float64Array,
): Precedence {
  const n = keys.length;
  // Up to KEPT predecessors per operation, found in call order, then packed.
  const found = new Int32Array(n * KEPT);
  const count = new Uint8Array(n);
  // The operations of each text, in call order, as a list linked through `previous` (no
  // collection per text: most texts occur once). The text is looked up as it is, never joined
  // to the tag; the tag is compared while walking.
  const lastOfText = new Map<string, number>();
  const previous = new Int32Array(n).fill(-1);
  const order = callOrder(calls);
  for (let k = 0; k < n; k++) {
    const op = order[k] ?? 0;
    const text = (keys[op] as OpKey)[1];
    const last = lastOfText.get(text);
    if (last !== undefined) {
      previous[op] = last;
      count[op] = nearestPredecessors(keys, previous, op, returns, found);
    }
    lastOfText.set(text, op);
  }
  const start = new Int32Array(n + 1);
  for (let op = 0; op < n; op++) start[op + 1] = (start[op] ?? 0) + (count[op] ?? 0);
  const preds = new Int32Array(start[n] ?? 0);
  // Copied one by one: a subarray view per operation was garbage by the million.
  for (let op = 0; op < n; op++) {
    const at = start[op] ?? 0;
    for (let k = 0; k < (count[op] ?? 0); k++) preds[at + k] = found[op * KEPT + k] ?? 0;
  }
  return { start, preds };
}

/** The operations by call time, ties by index. */
function callOrder(calls: Float64Array): Int32Array {
  const ops = new Int32Array(calls.length);
  for (let op = 0; op < ops.length; op++) ops[op] = op;
  return orderByTime(calls, ops, Math.max(1, calls.length));
}

/**
 * Writes into `found` (at op * KEPT) the nearest of the SCANNED operations before `op` with its
 * text (linked by `previous`, called no later than `op`) that have its whole key and return no
 * later than it, skipping any implied by one already kept; returns how many.
 */
function nearestPredecessors(
  keys: readonly OpKey[],
  previous: Int32Array,
  op: number,
  returns: Float64Array,
  found: Int32Array,
): number {
  const base = op * KEPT;
  const end = returns[op] ?? 0;
  const tag = (keys[op] as OpKey)[0];
  let kept = 0;
  let candidate = previous[op] ?? -1;
  for (let scanned = 0; candidate !== -1 && scanned < SCANNED && kept < KEPT; scanned++) {
    const here = candidate;
    candidate = previous[here] ?? -1;
    const candidateEnd = returns[here] ?? 0;
    if (candidateEnd > end || (keys[here] as OpKey)[0] !== tag) continue;
    // Implied already when it must precede one we keep.
    let implied = false;
    for (let k = 0; k < kept && !implied; k++) {
      implied = candidateEnd <= (returns[found[base + k] ?? 0] ?? 0);
    }
    if (!implied) found[base + kept++] = here;
  }
  return kept;
}
