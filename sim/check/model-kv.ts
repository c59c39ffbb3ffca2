import { combine, rollConcat, rollHash } from './hashing.js';
import { kvOpenFates } from './model-kv-open.js';
import { AppendPrefixes } from './model-kv-prefix.js';
import { UnreadValues } from './model-kv-unread.js';
import { partitionByKey } from './partition.js';
import { NOT_WRITE, unwrittenReads, writeKind, writesOf } from './unwritten.js';
import type { DoomTests, LookaheadOp, Model, OpKey } from './types.js';
import { quote } from './quote.js';

/**
 * The versioned key/value service of spec/kv-service.md, one key per partition.
 * A key's state is its value and version; version 0 means the key was never written.
 */
export type KvInput =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string; readonly version: number }
  | { readonly op: 'append'; readonly key: string; readonly value: string };

export type KvError = 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe';

/**
 * get → { err: 'OK', value, version } or { err: 'ErrNoKey' }; put → { err }; append → OK, or
 * ErrMaybe, which the check reads as unseen (kvModel.unseen).
 */
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

/** A hash the empty value does not have (rollHash('') is 0); see `forgotten`. */
const FORGOTTEN_ROLL = 0x2545f491;

/**
 * The memo's stand-in for any value no get still to come can read (model-kv-unread.ts), at a
 * version: the empty value with FORGOTTEN_ROLL, so it equals no state the model reaches. Only
 * the memo holds it; the search never steps from it.
 */
function forgotten(version: number): KvState {
  return kvState('', FORGOTTEN_ROLL, version);
}

/**
 * Whether the state holds exactly `read`'s value. Equal versions nearly always mean equal
 * values, so the strings are compared outright; the last characters go first because two
 * orders of the same appends differ there. (No hash of the read is cached: a cache keyed by
 * output object is a weak map whose entries, one per get, the garbage collector must trace
 * specially, which showed on long histories.)
 */
function holds(state: KvState, read: { readonly value: string }): boolean {
  const length = read.value.length;
  return (
    state.value.length === length &&
    (length === 0 || state.value.charCodeAt(length - 1) === read.value.charCodeAt(length - 1)) &&
    state.value === read.value
  );
}

function stepGet(state: KvState, output: KvOutput | null): KvState | null {
  if (output === null) return state;
  if (output.err === 'ErrNoKey') return state.version === 0 ? state : null;
  // Version 0 is the absent key, which the service answers with ErrNoKey, never with a value.
  if (output.err !== 'OK' || !('value' in output) || state.version === 0) return null;
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
 * An append always takes effect: the value grows by its text and the version by one. OK is its
 * only answer; one whose outcome is unknown is unseen (null), and the search may also leave it out.
 */
function stepAppend(state: KvState, value: string, output: KvOutput | null): KvState | null {
  if (output !== null && output.err !== 'OK') return null;
  const roll = rollConcat(state.roll, rollHash(value), value.length);
  return kvState(state.value + value, roll, state.version + 1);
}

function outcome(output: KvOutput | null): string {
  if (output === null) return '?';
  return 'value' in output ? `${quote(output.value)}@${output.version}` : output.err;
}

/** What an operation's lookahead test looks at (kvTests). */
const NO_TEST = 0;
/** Needs the absent key (answered ErrNoKey). */
const NEEDS_ABSENT = 1;
/** A put answered OK: needs its own version. */
const NEEDS_VERSION = 2;
/** A get that read a value at a version. */
const READ = 3;

/**
 * Lookahead (contract in types.ts). No operation lowers a key's version (a put installs its
 * version + 1 only when its version is the current one, an append always adds one), and the
 * value changes only with the version. So nothing resets, and an operation that needs version k
 * (a get that saw it, a put that succeeded with it), or the absent key (ErrNoKey, version 0), is
 * doomed once the version has passed k, as is a get that saw version k with another value than
 * the one now installed. A get is also tested against the append prefixes (model-kv-prefix.ts).
 *
 * Each answered append and each put answered OK adds exactly one to the version wherever it is
 * legal, so they are counted (`counted`): the `before` of them that returned before the tested
 * operation was called will have raised the version by then. Without that count, appends no
 * read pins down could be left out of the version the search reached while a put answered OK,
 * called after them, still waited for it; every order of those appends is a different value, so
 * the memo never caught the mistake, and a few hundred concurrent appends ran out of budget.
 * The other way round, every write that may take effect (`possible`) adds at most one: an
 * operation that needs a version more than `within` of them past the current one is doomed.
 */
function kvTests(ops: readonly LookaheadOp<KvInput, KvOutput>[]): DoomTests<KvState> {
  const kinds = new Uint8Array(ops.length);
  const counted = new Uint8Array(ops.length);
  const possible = new Uint8Array(ops.length);
  ops.forEach(({ input, output }, op) => {
    if (input.op !== 'get' && mayWrite(output)) possible[op] = 1;
    if (output === null) return;
    if (input.op === 'append') {
      if (output.err === 'OK') counted[op] = 1;
      return;
    }
    if (input.op === 'put' && output.err === 'OK') counted[op] = 1;
    if (output.err === 'ErrNoKey') kinds[op] = NEEDS_ABSENT;
    else if (input.op === 'put') kinds[op] = output.err === 'OK' ? NEEDS_VERSION : NO_TEST;
    else if ('value' in output) kinds[op] = READ;
  });
  const has = kinds.map((kind) => (kind === NO_TEST ? 0 : 1));
  const prefixes = new AppendPrefixes<KvState>(ops);
  // Made at the first question: only a search that struggles asks (Search.widen).
  let unread: UnreadValues | null = null;
  // Each read's hash, computed at the first test that needs it. Equal hashes fail to prune
  // even when the values differ: a miss costs time, never a verdict.
  const rolls = new Int32Array(ops.length);
  const rolled = new Uint8Array(ops.length);
  const readRoll = (op: number, value: string) => {
    if (rolled[op] === 0) {
      rolls[op] = rollHash(value);
      rolled[op] = 1;
    }
    return rolls[op];
  };
  const doomed = (
    op: number,
    state: KvState,
    placed: Uint8Array,
    before: number,
    within: number,
  ): boolean => {
    const kind = kinds[op];
    // The least and the most version the state can have when the operation is linearized.
    const least = state.version + before;
    const most = state.version + within;
    if (kind === NEEDS_ABSENT) return least > 0;
    const { input, output } = ops[op] as LookaheadOp<KvInput, KvOutput>;
    if (kind === NEEDS_VERSION) {
      const needed = (input as { version: number }).version;
      return least > needed || most < needed;
    }
    const { value, version } = output as { value: string; version: number };
    return (
      least > version ||
      most < version ||
      (state.version === version &&
        (state.value.length !== value.length || state.roll !== readRoll(op, value))) ||
      prefixes.doomed(op, value, version, state, placed)
    );
  };
  const forget = (state: KvState, placed: Uint8Array, from: number): KvState =>
    state.version > 0 &&
    (unread ??= new UnreadValues(ops, prefixes.prefixes)).unread(
      state.value.length,
      state.roll,
      placed,
      from,
    )
      ? forgotten(state.version)
      : state;
  return { has, counted, possible, doomed, forget };
}

/** May the write take effect (answered OK or ErrMaybe, or not at all)? */
function mayWrite(output: KvOutput | null): boolean {
  return output === null || output.err === 'OK' || output.err === 'ErrMaybe';
}

/**
 * Gets of a value no put or append of the key could have left (unwritten.ts). No get answers a
 * value at version 0 (the absent key is ErrNoKey), so such a read is never explained by a write.
 */
function kvUnwritten(ops: readonly LookaheadOp<KvInput, KvOutput>[]): number[] {
  const writes = writesOf(
    ops,
    ({ input, output }) => (mayWrite(output) ? writeKind(input) : NOT_WRITE),
    ({ input }) => (input as { value: string }).value,
  );
  return unwrittenReads(ops, writes, (op) =>
    op.input.op === 'get' && op.return !== null && op.output !== null && 'value' in op.output
      ? op.output.value
      : null,
  );
}

/** A put's answers as small codes, for its numeric tag. */
const PUT_CODES: Readonly<Record<string, number>> = {
  OK: 1,
  ErrVersion: 2,
  ErrNoKey: 3,
  ErrMaybe: 4,
};
const UNANSWERED = 5;

/**
 * Within one partition the key is fixed, so an operation is its kind, version, answer and
 * text. The tag is a number where it can be (version * 8 + the kind and answer): a long history
 * has one per operation, and a number costs no allocation where a string built per operation
 * did. Answers the codes do not cover keep a string tag, which never equals a number.
 */
function kvOpKey(input: KvInput, output: KvOutput | null): OpKey {
  if (input.op === 'get') {
    if (output === null) return ['g?', ''];
    if ('value' in output && Number.isSafeInteger(output.version) && output.version >= 0)
      return [output.version * 8, output.value];
    return 'value' in output ? [`g@${output.version}`, output.value] : [`g!${output.err}`, ''];
  }
  if (input.op === 'append') return [appendTag(output), input.value];
  const code = output === null ? UNANSWERED : PUT_CODES[output.err];
  if (code !== undefined && Number.isSafeInteger(input.version) && input.version >= 0)
    return [input.version * 8 + code, input.value];
  return [`p${input.version}:${output?.err ?? '?'}`, input.value];
}

/** String literals for the usual answers: no string built per operation. */
function appendTag(output: KvOutput | null): string {
  if (output === null) return 'a:?';
  return output.err === 'OK' ? 'a:OK' : `a:${output.err}`;
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
  opKey: kvOpKey,
  // The clerk could not tell whether its text went in, nor when (a copy of the request may still
  // be in flight): an unseen answer. (A put's ErrMaybe still says it installed at its version.)
  unseen: (input, output) => input.op === 'append' && output.err === 'ErrMaybe',
  readOnly: (input, output) =>
    input.op === 'get' ||
    (input.op === 'put' && (output?.err === 'ErrVersion' || output?.err === 'ErrNoKey')),
  describeOp: (input, output) => {
    const key = quote(input.key);
    if (input.op === 'get') return `get(${key}) → ${outcome(output)}`;
    const value = quote(input.value);
    return input.op === 'append'
      ? `append(${key}, ${value}) → ${outcome(output)}`
      : `put(${key}, ${value}, ${input.version}) → ${outcome(output)}`;
  },
  describeState: (state) =>
    state.version === 0 ? 'absent' : `${quote(state.value)}@${state.version}`,
  unwritten: kvUnwritten,
  lookahead: {
    resets: () => false,
    restart: () => null,
    tests: kvTests,
  },
  openFates: kvOpenFates,
  // Versions never fall, so a put whose version has passed can never install again.
  spent: (state, input) =>
    input.op === 'get' || (input.op === 'put' && input.version < state.version),
};
