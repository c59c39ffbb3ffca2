import { expect } from 'chai';
import fc from 'fast-check';
import {
  checkHistory,
  etcdModel,
  kvAppendModel,
  kvModel,
  type EtcdInput,
  type EtcdOutput,
  type KvAppendInput,
  type KvAppendOutput,
  type KvInput,
  type KvOutput,
  type Model,
  type Operation,
} from './index.js';
import { bruteForce } from './brute-force.js';
import { unreadOpenPutsAppend, unreadOpenPutsKv } from '../bench/checker-histories.js';
import { DEFER, DROP } from './types.js';

/**
 * The open-operation rules (each model's openFates, open-search.ts) may only leave out what no
 * linearization needs. These properties compare the checker with the definition tried
 * exhaustively, and with the search without the rules, on histories where a third of the
 * operations never complete (some took effect, some did not) and some outputs lie.
 */

function withoutRules<S, I, O>(model: Model<S, I, O>): Model<S, I, O> {
  const { openFates: _, ...plainModel } = model;
  return plainModel;
}

interface Drawn<I, O> {
  readonly input: I;
  readonly point: number;
  readonly before: number;
  readonly after: number;
  /** 0: completes; 1: never completes but took effect; 2: never completes, never took effect. */
  readonly open: number;
  readonly lie: O | null;
}

function drawn<I, O>(input: fc.Arbitrary<I>, lie: fc.Arbitrary<O>): fc.Arbitrary<Drawn<I, O>> {
  return fc.record({
    input,
    point: fc.integer({ min: 0, max: 60 }),
    before: fc.integer({ min: 0, max: 12 }),
    after: fc.integer({ min: 0, max: 12 }),
    open: fc.integer({ min: 0, max: 5 }).map((n) => (n < 4 ? 0 : n - 3)),
    lie: fc.option<O>(lie, { freq: 6 }),
  });
}

/** Runs the operations in the order of their points; open ones take effect or not as drawn. */
function history<S, I, O>(
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

const letter = fc.constantFrom('a', 'b', 'c', 'd');
const appendHistories = (ops: number) =>
  fc
    .array(
      drawn<KvAppendInput, KvAppendOutput>(
        fc.oneof(
          fc.constant({ op: 'get' as const, key: 'k' }),
          fc.record({
            op: fc.constantFrom('put' as const, 'append' as const),
            key: fc.constant('k'),
            value: letter,
          }),
        ),
        fc.record({ value: fc.string({ unit: letter, maxLength: 3 }) }),
      ),
      { maxLength: ops },
    )
    .map((plan) =>
      history(kvAppendModel, plan, (state, input): KvAppendOutput => {
        if (input.op !== 'get') return { ok: true };
        return { value: JSON.parse(kvAppendModel.describeState(state)) as string };
      }),
    );

const version = fc.integer({ min: 0, max: 3 });
const kvValue = fc.constantFrom('x', 'y', 'z');
const kvHistories = (ops: number) =>
  fc
    .array(
      drawn<KvInput, KvOutput>(
        fc.oneof(
          fc.constant({ op: 'get' as const, key: 'k' }),
          fc.record({
            op: fc.constant('put' as const),
            key: fc.constant('k'),
            value: kvValue,
            version,
          }),
          fc.record({ op: fc.constant('append' as const), key: fc.constant('k'), value: kvValue }),
        ),
        fc.oneof(
          fc.record({ err: fc.constant('OK' as const), value: kvValue, version }),
          fc.record({ err: fc.constantFrom<KvOutput['err']>('OK', 'ErrVersion', 'ErrMaybe') }),
        ),
      ),
      { maxLength: ops },
    )
    .map((plan) =>
      history(kvModel, plan, (state, input): KvOutput => {
        const absent = state.version === 0;
        if (input.op === 'get')
          return absent
            ? { err: 'ErrNoKey' }
            : { err: 'OK', value: state.value, version: state.version };
        if (input.op === 'append' || input.version === state.version) return { err: 'OK' };
        return { err: absent ? 'ErrNoKey' : 'ErrVersion' };
      }),
    );

const register = fc.integer({ min: 0, max: 2 });
const etcdHistories = (ops: number) =>
  fc
    .array(
      drawn<EtcdInput, EtcdOutput>(
        fc.oneof(
          fc.constant({ op: 'read' as const }),
          fc.record({ op: fc.constant('write' as const), value: register }),
          fc.record({ op: fc.constant('cas' as const), from: register, to: register }),
        ),
        fc.oneof(fc.record({ value: fc.option(register) }), fc.record({ ok: fc.boolean() })),
      ),
      { maxLength: ops },
    )
    .map((plan) =>
      history(etcdModel, plan, (state, input): EtcdOutput => {
        if (input.op === 'read') return { value: state === 'absent' ? null : state };
        return { ok: input.op === 'write' || state === input.from };
      }),
    );

/** Both verdicts turn up, and the rules both drop and defer operations along the way. */
function crossCheck<S, I, O>(
  arbitrary: fc.Arbitrary<Operation<I, O>[]>,
  model: Model<S, I, O>,
  reference: (history: Operation<I, O>[]) => string,
  numRuns: number,
) {
  const seen = { ok: 0, illegal: 0, dropped: 0 };
  fc.assert(
    fc.property(arbitrary, (history) => {
      const expected = reference(history);
      seen[expected === 'ok' ? 'ok' : 'illegal']++;
      const fates = model.openFates?.(
        history.map((op) => ({ ...op, return: op.return ?? Infinity })),
      );
      if (fates?.some((fate) => fate === DROP || fate === DEFER) === true) seen.dropped++;
      expect(checkHistory(history, model).verdict).to.equal(expected);
    }),
    { numRuns },
  );
  expect(seen.ok).to.be.greaterThan(numRuns / 10);
  expect(seen.illegal).to.be.greaterThan(numRuns / 10);
  expect(seen.dropped).to.be.greaterThan(numRuns / 10);
}

const SMALL = 7;
const MEDIUM = 16;

describe('open operations: the rules agree with plain searches', () => {
  it('kv-append', () => {
    crossCheck(appendHistories(SMALL), kvAppendModel, (h) => bruteForce(h, kvAppendModel), 500);
    const plain = withoutRules(kvAppendModel);
    crossCheck(appendHistories(MEDIUM), kvAppendModel, (h) => checkHistory(h, plain).verdict, 300);
  });

  it('kv (versioned, with appends)', () => {
    crossCheck(kvHistories(SMALL), kvModel, (h) => bruteForce(h, kvModel), 500);
    const plain = withoutRules(kvModel);
    crossCheck(kvHistories(MEDIUM), kvModel, (h) => checkHistory(h, plain).verdict, 300);
  });

  it('etcd', () => {
    crossCheck(etcdHistories(SMALL), etcdModel, (h) => bruteForce(h, etcdModel), 500);
    const plain = withoutRules(etcdModel);
    crossCheck(etcdHistories(MEDIUM), etcdModel, (h) => checkHistory(h, plain).verdict, 300);
  });

  it('never says ok when the budget runs out, deferred operations or not', () => {
    fc.assert(
      fc.property(kvHistories(MEDIUM), fc.integer({ min: 1, max: 80 }), (history, budget) => {
        const full = checkHistory(history, kvModel).verdict;
        expect(checkHistory(history, kvModel, { budget }).verdict).to.be.oneOf([full, 'unknown']);
      }),
      { numRuns: 300 },
    );
  });
});

describe('1,000 unread open puts among 10,000 completed operations', () => {
  const appendHistory = unreadOpenPutsAppend;
  const kvHistory = unreadOpenPutsKv;

  it('kv-append: ok, and illegal with one corrupted read', () => {
    expect(checkHistory(appendHistory(false), kvAppendModel).verdict).to.equal('ok');
    expect(checkHistory(appendHistory(true), kvAppendModel).verdict).to.equal('illegal');
  });

  it('kv (versioned): ok, and illegal with one corrupted read', () => {
    expect(checkHistory(kvHistory(false), kvModel).verdict).to.equal('ok');
    expect(checkHistory(kvHistory(true), kvModel).verdict).to.equal('illegal');
  });
});
