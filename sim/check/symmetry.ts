import { timeRanks } from './entries.js';
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
  // By text, then by tag: the text is looked up as it is, never joined to the tag.
  const byText = new Map<string, Map<string, number[]>>();
  for (const op of callOrder(calls)) {
    const [tag, text] = keys[op] ?? ['', ''];
    let byTag = byText.get(text);
    if (byTag === undefined) byText.set(text, (byTag = new Map<string, number[]>()));
    let earlier = byTag.get(tag);
    if (earlier === undefined) byTag.set(tag, (earlier = []));
    count[op] = nearestPredecessors(earlier, op, returns, found);
    earlier.push(op);
  }
  const start = new Int32Array(n + 1);
  for (let op = 0; op < n; op++) start[op + 1] = (start[op] ?? 0) + (count[op] ?? 0);
  const preds = new Int32Array(start[n] ?? 0);
  for (let op = 0; op < n; op++) {
    preds.set(found.subarray(op * KEPT, op * KEPT + (count[op] ?? 0)), start[op] ?? 0);
  }
  return { start, preds };
}

/**
 * The operations by call time, ties by index, through a native numeric sort: each operation is
 * the number `rank(call) * n + op` (entries.ts, timeRanks), and no comparator runs.
 */
function callOrder(calls: Float64Array): Int32Array {
  const n = calls.length;
  const rank = timeRanks(calls.slice(), n);
  const keys = new Float64Array(n);
  for (let op = 0; op < n; op++) keys[op] = rank(calls[op] ?? 0) * n + op;
  keys.sort();
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = (keys[k] ?? 0) % n;
  return order;
}

/**
 * Writes into `found` (at op * KEPT) the nearest of `earlier` (same-key operations, called no
 * later than `op`, in call order) that return no later than `op`, skipping any implied by one
 * already kept; returns how many.
 */
function nearestPredecessors(
  earlier: readonly number[],
  op: number,
  returns: Float64Array,
  found: Int32Array,
): number {
  const base = op * KEPT;
  const end = returns[op] ?? 0;
  let kept = 0;
  const stop = Math.max(0, earlier.length - SCANNED);
  for (let i = earlier.length - 1; i >= stop && kept < KEPT; i--) {
    const candidate = earlier[i] ?? 0;
    const candidateEnd = returns[candidate] ?? 0;
    if (candidateEnd > end) continue;
    // Implied already when it must precede one we keep.
    let implied = false;
    for (let k = 0; k < kept && !implied; k++) {
      implied = candidateEnd <= (returns[found[base + k] ?? 0] ?? 0);
    }
    if (!implied) found[base + kept++] = candidate;
  }
  return kept;
}
