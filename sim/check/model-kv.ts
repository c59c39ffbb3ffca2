import { combine, rollConcat, rollHash } from './hashing.js';
import { kvOpenFates } from './model-kv-open.js';
import { withAppendPrefixes } from './model-kv-prefix.js';
import { partitionByKey } from './partition.js';
import { textsOf, unwrittenReads } from './unwritten.js';
import type { DoomTest, LookaheadOp, Model } from './types.js';

/**
 * The versioned key/value service of spec/kv-service.md, one key per partition.
 * A key's state is its value and version; version 0 means the key was never written.
 */
export type KvInput =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly version: number }
  | { readonly op: 'append'; readonly key: string; readonly value: string };

export type KvError = 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe';

/** get → { err: 'OK', value, version } or { err: 'ErrNoKey' }; put → { err }; append → OK | ErrMaybe. */
export type KvOutput =
  | { readonly err: 'OK'; readonly value: string; readonly version: number }
  | { readonly err: 'OK' | KvError };

/**
 * A key's value is built by concatenation, which V8 keeps as a rope: reading it whole (to compare
 * or hash it) would cost its length at every step, and long append histories make values of tens
 * of kilobytes. So the state carries the value's rolling hash, extended in O(|text|) per append:
 * different hashes prove different values, and the strings are compared only when hashes agree.
 */
interface KvState {
  readonly value: string;
  /** rollHash(value). */
  readonly roll: number;
  readonly version: number;
  /** Cached: the memo table hashes states often. */
  readonly hash: number;
}

function kvState(value: string, roll: number, version: number): KvState {
  return { value, roll, version, hash: combine(roll ^ value.length, version) };
}

const ABSENT = kvState('', 0, 0);

/** rollHash of each value a get read, computed once per output object. */
const readRolls = new WeakMap<object, number>();

function rollOfRead(output: { readonly value: string }): number {
  let roll = readRolls.get(output);
  if (roll === undefined) readRolls.set(output, (roll = rollHash(output.value)));
  return roll;
}

/** Whether the state holds exactly `read`'s value; hashes first, so a mismatch costs O(1). */
function holds(state: KvState, read: { readonly value: string }): boolean {
  return (
    state.value.length === read.value.length &&
    state.roll === rollOfRead(read) &&
    state.value === read.value
  );
}

function stepGet(state: KvState, output: KvOutput | null): KvState | null {
  if (output === null) return state;
  if (output.err === 'ErrNoKey') return state.version === 0 ? state : null;
  if (output.err !== 'OK' || !('value' in output)) return null;
  return output.version === state.version && holds(state, output) ? state : null;
}

function stepPut(
  state: KvState,
  input: { readonly value: string; readonly version: number },
  output: KvOutput | null,
): KvState | null {
  const matches = input.version === state.version;
  const installed = () => kvState(input.value, rollHash(input.value), input.version + 1);
  // An unobserved or ErrMaybe put takes effect exactly when a put with that version would.
  if (output === null || output.err === 'ErrMaybe') return matches ? installed() : state;
  switch (output.err) {
    case 'OK':
      return matches ? installed() : null;
    case 'ErrVersion':
      return matches ? null : state;
    case 'ErrNoKey':
      return !matches && state.version === 0 ? state : null;
  }
}

/**
 * An append always takes effect: the value grows by its text and the version by one. Only OK
 * (or ErrMaybe, taken as having happened within the call; a recorder that cannot tell whether an
 * append happened records it as still open) is a legal answer.
 */
function stepAppend(state: KvState, value: string, output: KvOutput | null): KvState | null {
  if (output !== null && output.err !== 'OK' && output.err !== 'ErrMaybe') return null;
  const roll = rollConcat(state.roll, rollHash(value), value.length);
  return kvState(state.value + value, roll, state.version + 1);
}

function outcome(output: KvOutput | null): string {
  if (output === null) return '?';
  return 'value' in output ? `${JSON.stringify(output.value)}@${output.version}` : output.err;
}

/**
 * Lookahead (contract in types.ts). No operation lowers a key's version (a put installs its
 * version + 1 only when its version is the current one, an append always adds one), and the value
 * changes only with the version. So nothing resets, and an operation that needs version k (a get that saw it, a put
 * that succeeded with it), or the absent key (ErrNoKey, version 0), is doomed once the version
 * has passed k, as is a get that saw version k with another value than the one now installed.
 */
function kvDoomTest({ input, output }: LookaheadOp<KvInput, KvOutput>): DoomTest<KvState> | null {
  if (output === null || input.op === 'append') return null;
  if (output.err === 'ErrNoKey') return (state) => state.version > 0;
  if (input.op === 'put')
    return output.err === 'OK' ? (state) => state.version > input.version : null;
  if (!('value' in output)) return null;
  const { version } = output;
  // Equal hashes fail to prune even when the values differ: a miss costs time, never a verdict.
  return (state) =>
    state.version > version ||
    (state.version === version &&
      (state.value.length !== output.value.length || state.roll !== rollOfRead(output)));
}

/** May the write take effect (answered OK or ErrMaybe, or not at all)? */
function mayWrite(output: KvOutput | null): boolean {
  return output === null || output.err === 'OK' || output.err === 'ErrMaybe';
}

/**
 * Gets of a value no put or append of the key could have left (unwritten.ts). A read at version
 * 0 is the absent key's, which no write leaves: the model judges it where it stands.
 */
function kvUnwritten(ops: readonly LookaheadOp<KvInput, KvOutput>[]): number[] {
  const texts = (kind: 'put' | 'append') =>
    textsOf(ops, ({ input, output }) =>
      input.op === kind && mayWrite(output) ? input.value : null,
    );
  return unwrittenReads(ops, { puts: texts('put'), appends: texts('append') }, (op) =>
    op.input.op === 'get' &&
    op.return !== null &&
    op.output !== null &&
    'value' in op.output &&
    op.output.version > 0
      ? op.output.value
      : null,
  );
}

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: 'kv',
  init: () => ABSENT,
  step: (state, input, output) => {
    if (input.op === 'get') return stepGet(state, output);
    if (input.op === 'append') return stepAppend(state, input.value, output);
    return stepPut(state, input, output);
  },
  equal: (a, b) =>
    a === b ||
    (a.version === b.version &&
      a.value.length === b.value.length &&
      a.roll === b.roll &&
      a.value === b.value),
  hash: (state) => state.hash,
  partition: (history) => partitionByKey(history, (input) => input.key),
  // Within one partition the key is fixed; the value goes last so the string stays unambiguous.
  opKey: (input, output) => {
    if (input.op === 'get') {
      if (output === null) return ['g?', ''];
      return 'value' in output ? [`g@${output.version}`, output.value] : [`g!${output.err}`, ''];
    }
    const err = output === null ? '?' : output.err;
    return [input.op === 'append' ? `a:${err}` : `p${input.version}:${err}`, input.value];
  },
  readOnly: (input, output) =>
    input.op === 'get' ||
    (input.op === 'put' && (output?.err === 'ErrVersion' || output?.err === 'ErrNoKey')),
  describeOp: (input, output) => {
    const key = JSON.stringify(input.key);
    if (input.op === 'get') return `get(${key}) → ${outcome(output)}`;
    const value = JSON.stringify(input.value);
    return input.op === 'append'
      ? `append(${key}, ${value}) → ${outcome(output)}`
      : `put(${key}, ${value}, ${input.version}) → ${outcome(output)}`;
  },
  describeState: (state) =>
    state.version === 0 ? 'absent' : `${JSON.stringify(state.value)}@${state.version}`,
  unwritten: kvUnwritten,
  lookahead: {
    resets: () => false,
    restart: () => null,
    tests: (ops) => withAppendPrefixes(ops, ops.map(kvDoomTest)),
  },
  openFates: kvOpenFates,
  // Versions never fall, so a put whose version has passed can never install again.
  spent: (state, input) =>
    input.op === 'get' || (input.op === 'put' && input.version < state.version),
};
