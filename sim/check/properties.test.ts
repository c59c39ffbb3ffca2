import { expect } from 'chai';
import fc from 'fast-check';
import {
  checkHistory,
  etcdModel,
  kvModel,
  type EtcdInput,
  type EtcdOutput,
  type KvInput,
  type KvOutput,
  type Model,
  type Operation,
} from './index.js';
import { bruteForce } from './brute-force.js';
import { etcdOracle, kvOracle } from './random-histories.js';

/** One step of a sequential run: the input, plus how far its interval stretches either way. */
interface Planned<I> {
  readonly input: I;
  readonly before: number;
  readonly after: number;
  readonly open: boolean;
}

/**
 * Runs the inputs one after another through the model (operation i takes effect at time 10 i,
 * each key having its own state), records the outputs the oracle gives, then stretches each
 * interval around its point so that intervals overlap. An "open" operation keeps its effect but
 * is recorded as never returning, with no output.
 */
function sequentialHistory<S, I, O>(
  model: Model<S, I, O>,
  planned: readonly Planned<I>[],
  keyOf: (input: I) => string,
  oracle: (state: S, input: I) => O,
): Operation<I, O>[] {
  const states = new Map<string, S>();
  return planned.map(({ input, before, after, open }, i) => {
    const state = states.get(keyOf(input)) ?? model.init();
    const seen = oracle(state, input);
    const next = model.step(state, input, seen);
    if (next === null) throw new Error('the output oracle disagrees with the model');
    states.set(keyOf(input), next);
    const point = 10 * i;
    return open
      ? { client: i, call: point - before, return: null, input, output: null }
      : { client: i, call: point - before, return: point + after, input, output: seen };
  });
}

const stretch = fc.integer({ min: 0, max: 40 });

function planned<I>(input: fc.Arbitrary<I>, open: fc.Arbitrary<boolean>) {
  return fc.array(fc.record({ input, before: stretch, after: stretch, open }), {
    minLength: 1,
    maxLength: 24,
  });
}

// kv: a few keys, values from a small set, versions near the truth so that many puts succeed.
const kvInput: fc.Arbitrary<KvInput> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: fc.constantFrom('a', 'b') }),
  fc.record({
    op: fc.constant('put' as const),
    key: fc.constantFrom('a', 'b'),
    value: fc.constantFrom('x', 'y', 'z'),
    version: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    op: fc.constant('append' as const),
    key: fc.constantFrom('a', 'b'),
    value: fc.constantFrom('x', 'y'),
  }),
);

const kvHistory = (plan: readonly Planned<KvInput>[]) =>
  sequentialHistory(kvModel, plan, (input) => input.key, kvOracle);
const etcdHistory = (plan: readonly Planned<EtcdInput>[]) =>
  sequentialHistory(etcdModel, plan, () => 'register', etcdOracle);

const etcdInput: fc.Arbitrary<EtcdInput> = fc.oneof(
  fc.constant({ op: 'read' as const }),
  fc.record({ op: fc.constant('write' as const), value: fc.integer({ min: 0, max: 2 }) }),
  fc.record({
    op: fc.constant('cas' as const),
    from: fc.integer({ min: 0, max: 2 }),
    to: fc.integer({ min: 0, max: 2 }),
  }),
);

/** A history that never reads 99 (no write stores it) becomes illegal once one read says 99. */
function corruptFirstRead(history: Operation<EtcdInput, EtcdOutput>[]) {
  const index = history.findIndex((op) => op.input.op === 'read' && op.output !== null);
  if (index === -1) return null;
  return history.map((op, i) => (i === index ? { ...op, output: { value: 99 } } : op));
}

describe('properties of the checker', () => {
  it('a stretched sequential kv history is linearizable', () => {
    fc.assert(
      fc.property(planned(kvInput, fc.boolean()), (plan) => {
        expect(checkHistory(kvHistory(plan), kvModel).verdict).to.equal('ok');
      }),
    );
  });

  it('a stretched sequential etcd history is linearizable', () => {
    fc.assert(
      fc.property(planned(etcdInput, fc.boolean()), (plan) => {
        const history = etcdHistory(plan);
        expect(checkHistory(history, etcdModel).verdict).to.equal('ok');
      }),
    );
  });

  it('the same etcd history with one read answering a never-written value is illegal', () => {
    fc.assert(
      fc.property(planned(etcdInput, fc.constant(false)), (plan) => {
        const corrupt = corruptFirstRead(etcdHistory(plan));
        fc.pre(corrupt !== null);
        if (corrupt === null) return;
        expect(checkHistory(corrupt, etcdModel).verdict).to.equal('illegal');
      }),
    );
  });

  it('the same kv history with one get answering a never-written value is illegal', () => {
    fc.assert(
      fc.property(planned(kvInput, fc.boolean()), (plan) => {
        const history = kvHistory(plan);
        const index = history.findIndex((op) => op.input.op === 'get' && op.output !== null);
        fc.pre(index !== -1);
        const corrupt = history.map((op, i): Operation<KvInput, KvOutput> =>
          i === index ? { ...op, output: { err: 'OK', value: 'never', version: 1 } } : op,
        );
        expect(checkHistory(corrupt, kvModel).verdict).to.equal('illegal');
      }),
    );
  });

  it('agrees with a brute-force search on small random etcd histories', () => {
    const operation = fc.record({
      input: etcdInput,
      call: fc.integer({ min: 0, max: 12 }),
      length: fc.integer({ min: 0, max: 6 }),
      open: fc.boolean(),
      seen: fc.option(fc.integer({ min: 0, max: 2 })),
      ok: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 7 }), (drawn) => {
        const history = drawn.map((d, i): Operation<EtcdInput, EtcdOutput> => {
          if (d.open)
            return { client: i, call: d.call, return: null, input: d.input, output: null };
          const output =
            d.input.op === 'read' ? { value: d.seen } : { ok: d.ok || d.input.op === 'write' };
          return { client: i, call: d.call, return: d.call + d.length, input: d.input, output };
        });
        expect(checkHistory(history, etcdModel).verdict).to.equal(bruteForce(history, etcdModel));
      }),
      { numRuns: 500 },
    );
  });

  it('never says ok when the budget runs out: any budget gives the verdict or unknown', () => {
    const operation = fc.record({
      input: etcdInput,
      call: fc.integer({ min: 0, max: 30 }),
      length: fc.integer({ min: 0, max: 30 }),
      seen: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(
        fc.array(operation, { maxLength: 12 }),
        fc.integer({ min: 1, max: 60 }),
        (drawn, budget) => {
          const history = drawn.map((d, i): Operation<EtcdInput, EtcdOutput> => ({
            client: i,
            call: d.call,
            return: d.call + d.length,
            input: d.input,
            output: d.input.op === 'read' ? { value: d.seen } : { ok: true },
          }));
          const full = checkHistory(history, etcdModel).verdict;
          expect(checkHistory(history, etcdModel, { budget }).verdict).to.be.oneOf([
            full,
            'unknown',
          ]);
        },
      ),
    );
  });
});
