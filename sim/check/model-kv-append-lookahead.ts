import { prefixRolls } from './prefix-rolls.js';
import type { AppendState, KvAppendInput, KvAppendOutput } from './kv-append-types.js';
import type { DoomTest, LookaheadOp } from './types.js';

type Op = LookaheadOp<KvAppendInput, KvAppendOutput>;

/**
 * Lookahead tests of the kv-append model (contract in types.ts): only a get that saw a value
 * has one. Between two puts the string only grows at its end, so for a get G that read `seen`,
 * starting from the current string s with only appends and gets to come:
 * - s must be a prefix of `seen`;
 * - if s is shorter, the last append before G wrote the end of `seen`, and that append is not
 *   linearized yet and was called before G returned (an "ender" of G).
 * Strings are compared by length and rolling hash, the read's prefix hashes computed once:
 * different hashes prove different strings, while equal ones merely fail to prune (a collision
 * costs time, never a verdict).
 *
 * Set-up is linear: the appends are grouped by text (each group in call order), and a get looks
 * up only the suffixes of its read whose lengths some append has, then cuts each group at its
 * return time by binary search; the groups are shared, never copied per get.
 */
export function appendTests(ops: readonly Op[]): (DoomTest<AppendState> | null)[] {
  const groups = appendGroups(ops);
  const lengths = [...new Set(Array.from(groups.values(), (group) => group.length))];
  return ops.map((op) => {
    const output = op.output;
    if (op.input.op !== 'get' || output === null || !('value' in output)) return null;
    return getTest(output.value, enders(groups, lengths, output.value, op.return ?? Infinity));
  });
}

/** Appends of one text, in call order: `ops[i]` was called at `calls[i]`. */
interface Group {
  readonly length: number;
  readonly ops: number[];
  readonly calls: number[];
}

/** The appends called no later than the get returned: `group.ops[0 .. count)`. */
interface Ender {
  readonly group: Group;
  readonly count: number;
}

function appendGroups(ops: readonly Op[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  const order = ops.map((_, index) => index).filter((index) => ops[index]?.input.op === 'append');
  order.sort((a, b) => (ops[a]?.call ?? 0) - (ops[b]?.call ?? 0) || a - b);
  for (const index of order) {
    const op = ops[index] as Op;
    const text = op.input.op === 'append' ? op.input.value : '';
    let group = groups.get(text);
    if (group === undefined)
      groups.set(text, (group = { length: text.length, ops: [], calls: [] }));
    group.ops.push(index);
    group.calls.push(op.call);
  }
  return groups;
}

/** The appends that may precede the get (called no later than `end`) and end `seen`. */
function enders(
  groups: Map<string, Group>,
  lengths: readonly number[],
  seen: string,
  end: number,
): Ender[] {
  const found: Ender[] = [];
  for (const length of lengths) {
    if (length > seen.length) continue;
    const group = groups.get(seen.slice(seen.length - length));
    if (group === undefined) continue;
    const count = callsUpTo(group.calls, end);
    if (count > 0) found.push({ group, count });
  }
  return found;
}

/** How many of the sorted `calls` are <= `end`. */
function callsUpTo(calls: readonly number[], end: number): number {
  let low = 0;
  let high = calls.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((calls[middle] ?? 0) <= end) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The read's prefix hashes are computed at the test's first use: many tests never run. */
function getTest(seen: string, enders: readonly Ender[]): DoomTest<AppendState> {
  let prefixRoll: Int32Array | null = null;
  return (state, placed) => {
    if (state.length > seen.length) return true;
    prefixRoll ??= prefixRolls(seen);
    if (prefixRoll[state.length] !== state.roll) return true;
    const room = seen.length - state.length;
    return room > 0 && !enders.some((e) => e.group.length <= room && unplaced(e, placed));
  };
}

function unplaced({ group, count }: Ender, placed: Uint8Array): boolean {
  for (let i = 0; i < count; i++) if (placed[group.ops[i] ?? 0] === 0) return true;
  return false;
}
