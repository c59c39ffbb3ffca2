import { ROLL_BASE } from './hashing.js';
import type { AppendState, KvAppendInput, KvAppendOutput } from './model-kv-append.js';
import type { DoomTest, LookaheadOp } from './types.js';

type Op = LookaheadOp<KvAppendInput, KvAppendOutput>;

/**
 * Lookahead tests of the kv-append model (contract in types.ts): only a get that saw a value
 * has one. Between two puts the string only grows at its end, so for a get G that read `seen`,
 * starting from the current string s with only appends and gets to come:
 * - s must be a prefix of `seen`;
 * - if s is shorter, the last append before G wrote the end of `seen`, and that append is not
 *   linearized yet and was called before G returned (an "ender" of G, listed once per history).
 * Strings are compared by length and rolling hash, the read's prefix hashes computed once:
 * different hashes prove different strings, while equal ones merely fail to prune (a collision
 * costs time, never a verdict).
 */
export function appendTests(ops: readonly Op[]): (DoomTest<AppendState> | null)[] {
  return ops.map((op) => {
    const output = op.output;
    if (op.input.op !== 'get' || output === null || !('value' in output)) return null;
    return getTest(output.value, enders(ops, op, output.value));
  });
}

function getTest(seen: string, enders: readonly Ender[]): DoomTest<AppendState> {
  const prefixRoll = new Int32Array(seen.length + 1);
  for (let i = 0; i < seen.length; i++) {
    prefixRoll[i + 1] = (Math.imul(prefixRoll[i] ?? 0, ROLL_BASE) + seen.charCodeAt(i)) | 0;
  }
  return (state, placed) => {
    if (state.length > seen.length || prefixRoll[state.length] !== state.roll) return true;
    const room = seen.length - state.length;
    return room > 0 && !enders.some((e) => placed[e.op] === 0 && e.length <= room);
  };
}

interface Ender {
  readonly op: number;
  readonly length: number;
}

/** The appends that may precede `get` (called no later than it returned) and end `seen`. */
function enders(ops: readonly Op[], get: Op, seen: string): Ender[] {
  const found: Ender[] = [];
  ops.forEach((op, index) => {
    const input = op.input;
    if (input.op !== 'append' || op.call > get.return || !seen.endsWith(input.value)) return;
    found.push({ op: index, length: input.value.length });
  });
  return found;
}
