import type { OpKey } from './types.js';

/**
 * Symmetry pruning. Two operations with the same key (equal input and output) are
 * interchangeable. If A and B are such a pair and A's interval starts no later and ends no later
 * than B's, any linearization placing B before A stays legal with the two swapped (A may move
 * earlier because it was callable wherever B was; B may move later because it returns no
 * earlier than A). So the search may insist that B is linearized only after A, and prune the
 * mirror-image branches. Ties on both times are broken by operation index, which keeps the
 * relation a strict partial order ("A precedes B").
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
  const order = Array.from({ length: n }, (_, op) => op).sort(
    (a, b) => (calls[a] ?? 0) - (calls[b] ?? 0) || compareReturns(returns, a, b) || a - b,
  );
  const lists: number[][] = Array.from({ length: n }, () => []);
  // By text, then by tag: the text is looked up as it is, never joined to the tag.
  const byText = new Map<string, Map<string, number[]>>();
  for (const op of order) {
    const [tag, text] = keys[op] ?? ['', ''];
    let byTag = byText.get(text);
    if (byTag === undefined) byText.set(text, (byTag = new Map<string, number[]>()));
    let earlier = byTag.get(tag);
    if (earlier === undefined) byTag.set(tag, (earlier = []));
    lists[op] = nearestPredecessors(earlier, op, returns);
    earlier.push(op);
  }
  return flatten(lists);
}

// Infinity - Infinity is NaN, so returns are compared, not subtracted.
function compareReturns(returns: Float64Array, a: number, b: number): number {
  const ra = returns[a] ?? 0;
  const rb = returns[b] ?? 0;
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** `earlier` holds same-key operations in (call, return, index) order, all before `op`. */
function nearestPredecessors(earlier: readonly number[], op: number, returns: Float64Array) {
  const kept: number[] = [];
  const stop = Math.max(0, earlier.length - SCANNED);
  for (let i = earlier.length - 1; i >= stop && kept.length < KEPT; i--) {
    const candidate = earlier[i] ?? 0;
    if ((returns[candidate] ?? 0) > (returns[op] ?? 0)) continue;
    // Implied already when it must precede one we keep.
    if (kept.some((k) => (returns[candidate] ?? 0) <= (returns[k] ?? 0))) continue;
    kept.push(candidate);
  }
  return kept;
}

function flatten(lists: readonly number[][]): Precedence {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((list, op) => (start[op + 1] = (start[op] ?? 0) + list.length));
  const preds = new Int32Array(start[lists.length] ?? 0);
  lists.forEach((list, op) => preds.set(list, start[op] ?? 0));
  return { start, preds };
}
