import fc from 'fast-check';
import { kvAppendModel } from './model-kv-append.js';
import type { EtcdInput, EtcdOutput } from './model-etcd.js';
import type { KvAppendInput, KvAppendOutput } from './kv-append-types.js';
import type { KvInput, KvOutput } from './model-kv.js';
import type { Model, Operation } from './types.js';

/**
 * Random histories for the checker's property tests, built from a true run of the model so that
 * they come out legal unless an output lies: each operation takes effect at a drawn point,
 * inside its drawn interval, with the output the model gives there.
 */

/** Whether an operation completes (0), never completes but took effect (1), or neither (2). */
export type Openness = 0 | 1 | 2;

/** One operation to be: its input, where it takes effect, its interval, and maybe a lie. */
export interface Drawn<I, O> {
  readonly input: I;
  readonly point: number;
  readonly before: number;
  readonly after: number;
  readonly open: Openness;
  /** Recorded instead of the true output when not null. */
  readonly lie: O | null;
}

export function drawn<I, O>(
  input: fc.Arbitrary<I>,
  lie: fc.Arbitrary<O>,
  open: fc.Arbitrary<Openness>,
): fc.Arbitrary<Drawn<I, O>> {
  return fc.record({
    input,
    point: fc.integer({ min: 0, max: 60 }),
    before: fc.integer({ min: 0, max: 12 }),
    after: fc.integer({ min: 0, max: 12 }),
    open,
    lie: fc.option<O>(lie, { freq: 6 }),
  });
}

/**
 * Runs the operations through the model in the order of their points, recording the true
 * outputs (from `oracle`) except for lies; open ones take effect or not as drawn.
 */
export function history<S, I, O>(
  model: Model<S, I, O>,
  plan: readonly Drawn<I, O>[],
  oracle: (state: S, input: I) => O,
): Operation<I, O>[] {
  const order = plan.map((_, i) => i).sort((a, b) => (plan[a]?.point ?? 0) - (plan[b]?.point ?? 0));
  let state = model.init();
  return order.map((i) => {
    const { input, point, before, after, open, lie } = plan[i] as Drawn<I, O>;
    const truth = oracle(state, input);
    if (open !== 2) state = model.step(state, input, truth) ?? state;
    const call = point - before;
    return open !== 0
      ? { client: i, call, return: null, input, output: null }
      : { client: i, call, return: point + after, input, output: lie ?? truth };
  });
}

/** The model without its lookahead: the plain search the pruning is compared with. */
/** One completed operation for a hand-written history: client `call`, from `call` to `end`. */
export function completed<I, O>(call: number, end: number, input: I, output: O): Operation<I, O> {
  return { client: call, call, return: end, input, output };
}

export function withoutLookahead<S, I, O>(model: Model<S, I, O>): Model<S, I, O> {
  const { lookahead: _, ...plainModel } = model;
  return plainModel;
}

/** The versioned key/value service's true answer in a state. */
export function kvOracle(state: { value: string; version: number }, input: KvInput): KvOutput {
  const absent = state.version === 0;
  if (input.op === 'get')
    return absent ? { err: 'ErrNoKey' } : { err: 'OK', value: state.value, version: state.version };
  if (input.op === 'append' || input.version === state.version) return { err: 'OK' };
  return { err: absent ? 'ErrNoKey' : 'ErrVersion' };
}

/** The etcd register's true answer in a state. */
export function etcdOracle(state: number | string, input: EtcdInput): EtcdOutput {
  if (input.op === 'read') return { value: state === 'absent' ? null : (state as number) };
  return { ok: input.op === 'write' || state === input.from };
}

/** The kv-append map's true answer in a state. */
export function appendOracle(
  state: ReturnType<typeof kvAppendModel.init>,
  input: KvAppendInput,
): KvAppendOutput {
  if (input.op !== 'get') return { ok: true };
  return { value: JSON.parse(kvAppendModel.describeState(state)) as string };
}

/**
 * `keys` keys, each written by `writers` clerks at once and then read three times in a row with
 * three different values: illegal (the value cannot change once every write has returned), and
 * hard to prove so, since the search must try the writes' orders first.
 */
export function hardHistory(keys: number, writers: number): string {
  const lines: string[] = [];
  for (let k = 0; k < keys; k++) {
    const op = (process: number, type: string, f: string, value: string) =>
      lines.push(`{:process ${process}, :type :${type}, :f :${f}, :key "k${k}", :value ${value}}`);
    for (let w = 0; w < writers; w++) op(w, 'invoke', 'put', `"v${w}"`);
    for (let w = 0; w < writers; w++) op(w, 'ok', 'put', `"v${w}"`);
    for (let r = 0; r < 3; r++) {
      op(100 + r, 'invoke', 'get', 'nil');
      op(100 + r, 'ok', 'get', `"v${r}"`);
    }
  }
  return `${lines.join('\n')}\n`;
}
