import { testsOf } from './doom-tests.js';
import { mix32, rollConcat, rollHash } from './hashing.js';
import {
  written,
  type AppendState,
  type KvAppendInput,
  type KvAppendOutput,
} from './kv-append-types.js';
import { appendTests } from './model-kv-append-lookahead.js';
import { appendOpenFates } from './model-kv-append-open.js';
import { partitionByKey } from './partition.js';
import type { LookaheadOp, Model } from './types.js';
import { unwrittenReads, writeKind, writesOf } from './unwritten.js';
import { quote } from './quote.js';

export type { KvAppendInput, KvAppendOutput } from './kv-append-types.js';

const EMPTY: AppendState = { parent: null, segment: '', length: 0, roll: 0 };

function reads(state: AppendState, seen: string): boolean {
  if (seen.length !== state.length) return false;
  let end = seen.length;
  for (let s: AppendState | null = state; s !== null; s = s.parent) {
    end -= s.segment.length;
    if (!seen.startsWith(s.segment, end)) return false;
  }
  return true;
}

/** The whole string; only for the rare full comparison and for reports. */
function text(state: AppendState): string {
  const segments: string[] = [];
  for (let s: AppendState | null = state; s !== null; s = s.parent) segments.push(s.segment);
  return segments.reverse().join('');
}

function stepAppend(
  state: AppendState,
  input: KvAppendInput,
  output: KvAppendOutput | null,
): AppendState | null {
  switch (input.op) {
    case 'get':
      return output === null || !('value' in output) || reads(state, output.value) ? state : null;
    case 'put':
      return written(input.value);
    case 'append':
      return {
        parent: state,
        segment: input.value,
        length: state.length + input.value.length,
        roll: rollConcat(state.roll, rollHash(input.value), input.value.length),
      };
  }
}

function read(output: KvAppendOutput | null): string {
  return output !== null && 'value' in output ? quote(output.value) : '?';
}

/** Gets of a non-empty value no put or append of the key could have left (unwritten.ts). */
function appendUnwritten(ops: readonly LookaheadOp<KvAppendInput, KvAppendOutput>[]): number[] {
  const writes = writesOf(
    ops,
    ({ input }) => writeKind(input),
    ({ input }) => (input as { value: string }).value,
  );
  return unwrittenReads(ops, writes, (op) =>
    op.input.op === 'get' &&
    op.return !== null &&
    op.output !== null &&
    'value' in op.output &&
    op.output.value !== ''
      ? op.output.value
      : null,
  );
}

/**
 * The get/put/append string map of Porcupine's kv histories, one key per partition. Every key
 * starts as "".
 */
export const kvAppendModel: Model<AppendState, KvAppendInput, KvAppendOutput> = {
  name: 'kv-append',
  init: () => EMPTY,
  step: stepAppend,
  equal: (a, b) => a === b || (a.roll === b.roll && a.length === b.length && text(a) === text(b)),
  hash: (state) => mix32(state.roll ^ state.length),
  partition: (history) => partitionByKey(history, (input) => input.key),
  // One letter for the kind, and the text as it is.
  opKey: (input, output) => {
    if (input.op !== 'get') return [input.op === 'put' ? 'p' : 'a', input.value];
    return output !== null && 'value' in output ? ['g', output.value] : ['u', ''];
  },
  readOnly: (input) => input.op === 'get',
  describeOp: (input, output) =>
    input.op === 'get'
      ? `get(${quote(input.key)}) → ${read(output)}`
      : `${input.op}(${quote(input.key)}, ${quote(input.value)})`,
  describeState: (state) => quote(text(state)),
  unwritten: appendUnwritten,
  lookahead: {
    resets: (input) => input.op === 'put',
    restart: (input) => (input.op === 'put' ? written(input.value) : null),
    tests: (ops) => testsOf(appendTests(ops)),
  },
  openFates: appendOpenFates,
};
