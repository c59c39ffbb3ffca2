import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { corpusDir } from './corpus-path.js';
import {
  checkHistory,
  etcdModel,
  kvAppendModel,
  kvModel,
  parseHistoryFile,
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
  appendOracle,
  completed,
  drawn,
  etcdOracle,
  history,
  kvOracle,
  withoutLookahead,
  type Openness,
} from './random-histories.js';

/**
 * The lookahead (lookahead.ts and the models' tests) may only prune configurations without a
 * linearization. These properties compare the checker with the definition, tried exhaustively,
 * and with the same search run without the lookahead, on random histories that come out legal
 * and illegal in good numbers (the values are drawn from tiny sets, so reads often match).
 */

/** One operation in seven never completes (and took effect); lookahead must allow for them. */
const open: fc.Arbitrary<Openness> = fc
  .integer({ min: 0, max: 6 })
  .map((n) => (n === 0 ? 1 : 0) as Openness);

// kv-append: one-letter writes, so that values repeat and several orders may explain a read,
// yet not so few letters that every read has many explanations.
const letter = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const appendInput: fc.Arbitrary<KvAppendInput> = fc.oneof(
  fc.constant({ op: 'get' as const, key: 'k' }),
  fc.record({
    op: fc.constantFrom('put' as const, 'append' as const),
    key: fc.constant('k'),
    value: letter,
  }),
);
const appendLie: fc.Arbitrary<KvAppendOutput> = fc.record({
  value: fc.string({ unit: letter, maxLength: 4 }),
});
const appendHistories = (ops: number) =>
  fc
    .array(drawn(appendInput, appendLie, open), { maxLength: ops })
    .map((plan) => history(kvAppendModel, plan, appendOracle));

// etcd: values 0..2.
const value = fc.integer({ min: 0, max: 2 });
const etcdInput: fc.Arbitrary<EtcdInput> = fc.oneof(
  fc.constant({ op: 'read' as const }),
  fc.record({ op: fc.constant('write' as const), value }),
  fc.record({ op: fc.constant('cas' as const), from: value, to: value }),
);
const etcdLie: fc.Arbitrary<EtcdOutput> = fc.oneof(
  fc.record({ value: fc.option(value) }),
  fc.record({ ok: fc.boolean() }),
);
const etcdHistories = (ops: number) =>
  fc
    .array(drawn(etcdInput, etcdLie, open), { maxLength: ops })
    .map((plan) => history(etcdModel, plan, etcdOracle));

// kv: versions 0..2.
const version = fc.integer({ min: 0, max: 2 });
const kvValue = fc.constantFrom('x', 'y');
const kvInput: fc.Arbitrary<KvInput> = fc.oneof(
  fc.constant({ op: 'get' as const, key: 'k' }),
  fc.record({ op: fc.constant('put' as const), key: fc.constant('k'), value: kvValue, version }),
  fc.record({ op: fc.constant('append' as const), key: fc.constant('k'), value: kvValue }),
);
const kvLie: fc.Arbitrary<KvOutput> = fc.oneof(
  fc.record({ err: fc.constant('OK' as const), value: kvValue, version }),
  fc.record({ err: fc.constantFrom<KvOutput['err']>('OK', 'ErrNoKey', 'ErrVersion', 'ErrMaybe') }),
);
const kvHistories = (ops: number) =>
  fc
    .array(drawn(kvInput, kvLie, open), { maxLength: ops })
    .map((plan) => history(kvModel, plan, kvOracle));

/** Checks one model's histories against the reference; both verdicts must turn up. */
function crossCheck<S, I, O>(
  arbitrary: fc.Arbitrary<Operation<I, O>[]>,
  model: Model<S, I, O>,
  reference: (history: Operation<I, O>[]) => string,
  numRuns: number,
) {
  const seen = { ok: 0, illegal: 0 };
  fc.assert(
    // The pruning turns on at a drawn step (0: from the start), as after a quick attempt, and
    // the full search is taken to struggle from its start, or not (CheckOptions.struggling).
    fc.property(
      arbitrary,
      fc.integer({ min: 0, max: 30 }),
      fc.boolean(),
      (history, quickSteps, struggling) => {
        const expected = reference(history);
        seen[expected === 'ok' ? 'ok' : 'illegal']++;
        const options = { quickSteps, struggling };
        expect(checkHistory(history, model, options).verdict).to.equal(expected);
      },
    ),
    { numRuns },
  );
  expect(seen.ok).to.be.greaterThan(numRuns / 10);
  expect(seen.illegal).to.be.greaterThan(numRuns / 10);
}

/** The full search at once, without the quick attempt that runs without the lookahead. */
const FULL = { quickSteps: 0 } as const;

const plain =
  <S, I, O>(model: Model<S, I, O>) =>
  (history: Operation<I, O>[]) =>
    checkHistory(history, withoutLookahead(model)).verdict;

/** Up to SMALL operations for the brute force, up to MEDIUM for the plain search. */
const SMALL = 7;
const MEDIUM = 18;

describe('lookahead pruning agrees with plain searches', () => {
  it('kv-append', () => {
    const brute = (h: Operation<KvAppendInput, KvAppendOutput>[]) => bruteForce(h, kvAppendModel);
    crossCheck(appendHistories(SMALL), kvAppendModel, brute, 400);
    crossCheck(appendHistories(MEDIUM), kvAppendModel, plain(kvAppendModel), 400);
  });

  it('etcd', () => {
    const brute = (h: Operation<EtcdInput, EtcdOutput>[]) => bruteForce(h, etcdModel);
    crossCheck(etcdHistories(SMALL), etcdModel, brute, 400);
    crossCheck(etcdHistories(MEDIUM), etcdModel, plain(etcdModel), 400);
  });

  it('kv', () => {
    const brute = (h: Operation<KvInput, KvOutput>[]) => bruteForce(h, kvModel);
    crossCheck(kvHistories(SMALL), kvModel, brute, 400);
    crossCheck(kvHistories(MEDIUM), kvModel, plain(kvModel), 400);
  });
});

describe('lookahead on hand-written kv-append histories', () => {
  const op = completed<KvAppendInput, KvAppendOutput>;
  const put = (call: number, end: number, value: string) =>
    op(call, end, { op: 'put', key: 'k', value }, { ok: true });
  const append = (call: number, end: number, value: string) =>
    op(call, end, { op: 'append', key: 'k', value }, { ok: true });
  const get = (call: number, end: number, value: string) =>
    op(call, end, { op: 'get', key: 'k' }, { value });
  const verdict = (history: Operation<KvAppendInput, KvAppendOutput>[]) =>
    checkHistory(history, kvAppendModel, FULL).verdict;

  it('an append called while a get runs may still end the value it read', () => {
    expect(verdict([put(0, 1, 'x'), get(2, 10, 'xa'), append(5, 8, 'a')])).to.equal('ok');
    expect(verdict([put(0, 1, 'x'), get(2, 10, 'xa'), append(11, 12, 'a')])).to.equal('illegal');
  });

  it('a put that may come first explains a read the current value cannot', () => {
    const read = [append(0, 1, 'a'), append(3, 4, 'c'), get(5, 6, 'bc')];
    expect(verdict([...read, put(2, 20, 'b')])).to.equal('ok');
    expect(verdict([...read, put(7, 20, 'b')])).to.equal('illegal');
  });
});

const CORPUS = pathToFileURL(corpusDir('porcupine'));

describe('lookahead on the corpus', () => {
  it('settles every key of kv/c50-bad.txt alone (illegal), within 1M steps each', () => {
    const text = readFileSync(fileURLToPath(new URL('kv/c50-bad.txt', CORPUS)), 'utf8');
    const history = parseHistoryFile(text);
    if (history.model !== 'kv-append') throw new Error('kv/c50-bad.txt should be kv-append');
    for (const key of '0123456789') {
      const alone = history.operations.filter((op) => op.input.key === key);
      const result = checkHistory(alone, kvAppendModel, { ...FULL, budget: 1_000_000 });
      expect(result.verdict, `key ${key}`).to.equal('illegal');
    }
  });
});

describe('lookahead on a long kv append history with a put no read shows', () => {
  // Three clients append concurrently (each call overlaps the others'), then one get reads the
  // whole value. A put answered ErrMaybe, called early, could have installed at its version;
  // its value shows in no read, so it never did, and the order of the appends is fixed by the
  // read. Without that reasoning the search tries the appends' orders one by one.
  const APPENDS = 90;
  const build = (swap: boolean): Operation<KvInput, KvOutput>[] => {
    const ops: Operation<KvInput, KvOutput>[] = [];
    const texts: string[] = [];
    for (let i = 0; i < APPENDS; i++) {
      const text = `c${i % 3}.${i};`;
      texts.push(text);
      const call = 10 + i * 10;
      const input: KvInput = { op: 'append', key: 'k', value: text };
      ops.push({ client: i % 3, call, return: call + 25, input, output: { err: 'OK' } });
    }
    const put: KvInput = { op: 'put', key: 'k', value: 'never-read', version: APPENDS / 2 };
    ops.push({ client: 3, call: 5, return: 40, input: put, output: { err: 'ErrMaybe' } });
    if (swap) [texts[20], texts[60]] = [texts[60] as string, texts[20] as string];
    const seen = { err: 'OK' as const, value: texts.join(''), version: APPENDS };
    ops.push({ client: 4, call: 5000, return: 5010, input: { op: 'get', key: 'k' }, output: seen });
    return ops;
  };

  it('decides it in few steps: ok as recorded, illegal with two distant appends swapped in the read', () => {
    const budget = 100_000;
    expect(checkHistory(build(false), kvModel, { ...FULL, budget }).verdict).to.equal('ok');
    expect(checkHistory(build(true), kvModel, { ...FULL, budget }).verdict).to.equal('illegal');
  });

  it('the quick attempt, lost among the orders of the appends, gives way to the full search', () => {
    const budget = 100_000;
    // Without the look-ahead the search is lost among the orders of the appends ...
    const plain = checkHistory(build(true), withoutLookahead(kvModel), { budget });
    expect(plain.verdict).to.equal('unknown');
    // ... so the quick attempt (which starts without it) must give way for a verdict.
    const checked = checkHistory(build(true), kvModel, { budget });
    expect(checked.verdict).to.equal('illegal');
    expect(checked.steps).to.be.lessThan(budget);
  });
});
