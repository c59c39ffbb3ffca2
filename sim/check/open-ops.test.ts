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
import {
  unreadOpenPutsAppend,
  unreadOpenPutsKv,
  type Corruption,
} from '../bench/checker-histories.js';
import { DEFER, DROP } from './types.js';
import {
  appendOracle,
  drawn,
  etcdOracle,
  history,
  kvOracle,
  type Openness,
} from './random-histories.js';

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

/** A third of the operations never complete; of those, half took effect. */
const open: fc.Arbitrary<Openness> = fc
  .integer({ min: 0, max: 5 })
  .map((n) => (n < 4 ? 0 : n - 3) as Openness);

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
        open,
      ),
      { maxLength: ops },
    )
    .map((plan) => history(kvAppendModel, plan, appendOracle));

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
        open,
      ),
      { maxLength: ops },
    )
    .map((plan) => history(kvModel, plan, kvOracle));

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
        open,
      ),
      { maxLength: ops },
    )
    .map((plan) => history(etcdModel, plan, etcdOracle));

/** Both verdicts turn up, and the rules both drop and defer operations along the way. */
function crossCheck<S, I, O>(
  arbitrary: fc.Arbitrary<Operation<I, O>[]>,
  model: Model<S, I, O>,
  reference: (history: Operation<I, O>[]) => string,
  numRuns: number,
) {
  const seen = { ok: 0, illegal: 0, dropped: 0 };
  fc.assert(
    fc.property(arbitrary, fc.integer({ min: 0, max: 30 }), (history, quickSteps) => {
      const expected = reference(history);
      seen[expected === 'ok' ? 'ok' : 'illegal']++;
      const fates = model.openFates?.(history);
      if (fates?.some((fate) => fate === DROP || fate === DEFER) === true) seen.dropped++;
      // The pruning turns on at a drawn step (0: from the start), as after a quick attempt.
      expect(checkHistory(history, model, { quickSteps }).verdict).to.equal(expected);
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

/**
 * A read of a value never written fails a quick pass over the reads; a stale read (the value the
 * last completed write replaced) passes it, and only the search, with every open put a candidate
 * to land in between, can show that no order explains it.
 */
function threeVerdicts<S, I, O>(
  build: (corruption: Corruption) => Operation<I, O>[],
  model: Model<S, I, O>,
): void {
  const check = (corruption: Corruption) => checkHistory(build(corruption), model);
  expect(check('none').verdict).to.equal('ok');
  const unwritten = check('unwritten');
  expect(unwritten.verdict).to.equal('illegal');
  expect(unwritten.steps).to.equal(0);
  const stale = check('stale');
  expect(stale.verdict).to.equal('illegal');
  expect(stale.steps).to.be.greaterThan(0);
}

describe('1,000 unread open puts among 10,000 completed operations', () => {
  it('kv-append: ok, illegal with an unwritten read, illegal with a stale read', () => {
    threeVerdicts(unreadOpenPutsAppend, kvAppendModel);
  });

  it('kv (versioned): ok, illegal with an unwritten read, illegal with a stale read', () => {
    threeVerdicts(unreadOpenPutsKv, kvModel);
  });
});
