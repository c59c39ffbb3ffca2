import { expect } from 'chai';
import fc from 'fast-check';
import {
  checkHistory,
  etcdModel,
  kvAppendModel,
  kvModel,
  type EtcdInput,
  type EtcdOutput,
  type KvInput,
  type KvOutput,
  type Operation,
} from './index.js';
import { valueWriters } from './unwritten.js';

/**
 * A read of a value that no write could have left fails before any search (Model.unwritten):
 * the verdict is illegal at 0 steps, and the read is the stuck operation. A value that some
 * write may have left, however unlikely, goes to the search as before.
 */
function op<I, O>(client: number, call: number, end: number | null, input: I, output: O | null) {
  return { client, call, return: end, input, output } as Operation<I, O>;
}

describe('reads of values no write produced', () => {
  const put = (call: number, value: string, output: KvOutput | null = { err: 'OK' }) =>
    op<KvInput, KvOutput>(
      1,
      call,
      output === null ? null : call + 1,
      { op: 'put', key: 'k', value, version: 0 },
      output,
    );
  const append = (call: number, value: string) =>
    op<KvInput, KvOutput>(2, call, call + 1, { op: 'append', key: 'k', value }, { err: 'OK' });
  const get = (call: number, value: string, version: number) =>
    op<KvInput, KvOutput>(
      3,
      call,
      call + 1,
      { op: 'get', key: 'k' },
      { err: 'OK', value, version },
    );

  it('kv: illegal at once, the read named as stuck, whatever comes before it', () => {
    const history = [put(0, 'a'), append(10, 'b'), get(20, 'ab', 2), get(30, 'zzz', 2)];
    const result = checkHistory(history, kvModel);
    expect(result.verdict).to.equal('illegal');
    expect(result.steps).to.equal(0);
    expect(result.failure?.stuck).to.equal(3);
    expect(result.failure?.linearized).to.deep.equal([]);
  });

  it('kv: a value read at version 0 is illegal (the absent key is ErrNoKey), written or not', () => {
    expect(checkHistory([get(0, '', 0)], kvModel).verdict).to.equal('illegal');
    expect(checkHistory([put(0, ''), get(10, '', 0)], kvModel).verdict).to.equal('illegal');
    expect(checkHistory([put(0, ''), get(10, '', 1)], kvModel).verdict).to.equal('ok');
  });

  it('kv: a value left by an open or ErrMaybe put, or ending in an append, goes to the search', () => {
    expect(checkHistory([put(0, 'q', null), get(20, 'q', 1)], kvModel).verdict).to.equal('ok');
    const maybe = put(0, 'q', { err: 'ErrMaybe' });
    expect(checkHistory([maybe, get(20, 'q', 1)], kvModel).verdict).to.equal('ok');
    // Written, but not in this order: the search decides, and takes steps to do it.
    const late = checkHistory([get(0, 'xy', 2), append(10, 'x'), append(20, 'y')], kvModel);
    expect(late.verdict).to.equal('illegal');
    expect(late.steps).to.be.greaterThan(0);
    // A refused put left nothing.
    const refused = put(0, 'q', { err: 'ErrVersion' });
    expect(checkHistory([refused, get(20, 'q', 1)], kvModel).steps).to.equal(0);
  });

  it('kv-append: the empty string needs no write; anything else does', () => {
    const get = (call: number, value: string) =>
      op(0, call, call + 1, { op: 'get' as const, key: 'k' }, { value });
    const append = op(
      1,
      2,
      3,
      { op: 'append' as const, key: 'k', value: 'x' },
      { ok: true as const },
    );
    expect(checkHistory([get(0, ''), append], kvAppendModel).verdict).to.equal('ok');
    const unwritten = checkHistory([get(0, ''), append, get(4, 'yz')], kvAppendModel);
    expect(unwritten.verdict).to.equal('illegal');
    expect(unwritten.steps).to.equal(0);
    expect(unwritten.failure?.stuck).to.equal(2);
    // It ends with an appended text, so it might be written: the search decides.
    const searched = checkHistory([get(0, ''), append, get(4, 'yx')], kvAppendModel);
    expect(searched.verdict).to.equal('illegal');
    expect(searched.steps).to.be.greaterThan(0);
  });

  it('etcd: a read of a value no write or cas that may have applied sets', () => {
    const e = (call: number, input: EtcdInput, output: EtcdOutput) =>
      op<EtcdInput, EtcdOutput>(call, call, call + 1, input, output);
    const failedCas = e(0, { op: 'cas', from: 1, to: 7 }, { ok: false });
    const history = [
      e(2, { op: 'write', value: 3 }, { ok: true }),
      failedCas,
      e(4, { op: 'read' }, { value: 7 }),
    ];
    const result = checkHistory(history, etcdModel);
    expect(result.verdict).to.equal('illegal');
    expect(result.steps).to.equal(0);
    expect(result.failure?.stuck).to.equal(2);
    expect(checkHistory([e(0, { op: 'read' }, { value: null })], etcdModel).verdict).to.equal('ok');
  });
});

describe('valueWriters: which read values some write may have left', () => {
  it('is true exactly when a put has the value or an append ends it', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'é'), maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 4 }),
        fc.array(text, { maxLength: 6 }),
        text,
        (puts, appends, value) => {
          const expected = puts.includes(value) || appends.some((a) => value.endsWith(a));
          expect(valueWriters({ puts, appends })(value)).to.equal(expected);
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
  });

  it('finds an ending among thousands of distinct append lengths', () => {
    const appends = Array.from({ length: 3000 }, (_, i) => 'a'.repeat(i + 1));
    const written = valueWriters({ puts: [], appends: [...appends, 'ab'] });
    expect(written('a'.repeat(3000))).to.equal(true);
    expect(written(`${'a'.repeat(2999)}b`)).to.equal(true);
    expect(written(`${'a'.repeat(2999)}c`)).to.equal(false);
    expect(written('')).to.equal(false);
  });
});
