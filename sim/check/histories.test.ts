import { expect } from 'chai';
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

type KvOp = Operation<KvInput, KvOutput>;
type EtcdOp = Operation<EtcdInput, EtcdOutput>;

// Small builders: [call, return] then what happened; `null` return = still open at the end.
const put = (
  span: [number, number | null],
  value: string,
  version: number,
  err: KvOutput['err'] | null,
): KvOp => ({
  client: 0,
  call: span[0],
  return: span[1],
  input: { op: 'put', key: 'k', value, version },
  output: err === null ? null : { err },
});
const get = (span: [number, number], seen: [string, number] | 'ErrNoKey'): KvOp => ({
  client: 1,
  call: span[0],
  return: span[1],
  input: { op: 'get', key: 'k' },
  output:
    seen === 'ErrNoKey' ? { err: 'ErrNoKey' } : { err: 'OK', value: seen[0], version: seen[1] },
});
const write = (span: [number, number | null], value: number): EtcdOp => ({
  client: 0,
  call: span[0],
  return: span[1],
  input: { op: 'write', value },
  output: span[1] === null ? null : { ok: true },
});
const read = (span: [number, number], value: number | null): EtcdOp => ({
  client: 1,
  call: span[0],
  return: span[1],
  input: { op: 'read' },
  output: { value },
});

const kv = (history: KvOp[]) => checkHistory(history, kvModel).verdict;
const etcd = (history: EtcdOp[]) => checkHistory(history, etcdModel).verdict;

describe('hand-written kv histories (legal and illegal side by side)', () => {
  it('a key never written is answered ErrNoKey, never with an empty value at version 0', () => {
    expect(kv([get([0, 10], 'ErrNoKey')])).to.equal('ok');
    expect(kv([get([0, 10], ['', 0])])).to.equal('illegal');
    expect(kv([put([0, 10], '', 0, 'OK'), get([20, 30], ['', 1])])).to.equal('ok');
  });

  it('stale read: a get after a completed put must see it; during the put it may not', () => {
    expect(kv([put([0, 10], 'x', 0, 'OK'), get([20, 30], 'ErrNoKey')])).to.equal('illegal');
    expect(kv([put([0, 10], 'x', 0, 'OK'), get([5, 30], 'ErrNoKey')])).to.equal('ok');
  });

  it('lost write: the second completed put must not vanish', () => {
    const writes = [put([0, 10], 'x', 0, 'OK'), put([20, 30], 'y', 1, 'OK')];
    expect(kv([...writes, get([40, 50], ['x', 1])])).to.equal('illegal');
    expect(kv([...writes, get([40, 50], ['y', 2])])).to.equal('ok');
  });

  it('overlapping puts of one version: either may win, the loser sees ErrVersion', () => {
    const xWins = [put([0, 10], 'x', 0, 'OK'), put([5, 15], 'y', 0, 'ErrVersion')];
    const yWins = [put([0, 10], 'x', 0, 'ErrVersion'), put([5, 15], 'y', 0, 'OK')];
    expect(kv([...xWins, get([20, 30], ['x', 1])])).to.equal('ok');
    expect(kv([...yWins, get([20, 30], ['y', 1])])).to.equal('ok');
    expect(kv([...xWins, get([20, 30], ['y', 1])])).to.equal('illegal');
    expect(kv([put([0, 10], 'x', 0, 'OK'), put([5, 15], 'y', 0, 'OK')])).to.equal('illegal');
  });

  it('an unknown-outcome put may have happened, or not, but not both', () => {
    const open = put([0, null], 'x', 0, null);
    expect(kv([open, get([20, 30], ['x', 1])])).to.equal('ok');
    expect(kv([open, get([20, 30], 'ErrNoKey')])).to.equal('ok');
    expect(kv([open, get([20, 30], ['x', 1]), get([40, 50], 'ErrNoKey')])).to.equal('illegal');
    // Open from time 20 on: it cannot explain a read that returned at 10.
    expect(kv([put([20, null], 'x', 0, null), get([0, 10], ['x', 1])])).to.equal('illegal');
  });

  it('ErrMaybe: the put took effect exactly when its version matched', () => {
    const maybe = put([0, 10], 'x', 0, 'ErrMaybe');
    expect(kv([maybe, get([20, 30], ['x', 1])])).to.equal('ok');
    expect(kv([put([0, 5], 'w', 0, 'OK'), maybe, get([20, 30], ['w', 1])])).to.equal('ok');
    expect(kv([maybe, get([20, 30], 'ErrNoKey')])).to.equal('illegal');
  });

  it('an append answered ErrMaybe, given to the library as it is, may go in later or never', () => {
    const append = (span: [number, number], err: KvOutput['err']): KvOp => ({
      client: 0,
      call: span[0],
      return: span[1],
      input: { op: 'append', key: 'k', value: 'a' },
      output: { err },
    });
    const maybe = append([0, 10], 'ErrMaybe');
    expect(kv([maybe])).to.equal('ok');
    expect(kv([maybe, get([20, 30], 'ErrNoKey'), get([40, 50], ['a', 1])])).to.equal('ok');
    // Still not before its call.
    expect(kv([get([0, 5], ['a', 1]), append([10, 20], 'ErrMaybe')])).to.equal('illegal');
    // An append answered OK took effect within its interval.
    expect(kv([append([0, 10], 'OK'), get([20, 30], 'ErrNoKey')])).to.equal('illegal');
  });

  it('a put with a return but no observed answer may take effect after its return, or never', () => {
    const unseen = put([0, 10], 'x', 0, null);
    expect(kv([unseen, get([20, 30], 'ErrNoKey')])).to.equal('ok');
    expect(kv([unseen, get([20, 30], 'ErrNoKey'), get([40, 50], ['x', 1])])).to.equal('ok');
    // Still not before its call.
    expect(kv([get([0, 5], ['x', 1]), put([10, 20], 'x', 0, null)])).to.equal('illegal');
  });

  it('puts raced at one version and answered ErrMaybe: decided in a few steps each', () => {
    // Once one of them installs, the rest can never install: each is a no-op wherever it goes,
    // so their n! orders are not tried. n = 40 would be out of any budget otherwise.
    const raced = Array.from({ length: 40 }, (_, i) => ({
      ...put([0, 100], `v${i}`, 0, 'ErrMaybe'),
      client: i,
    }));
    const twoOn = { ...get([200, 210], ['v3', 2]), client: 99 };
    const oneOn = { ...get([200, 210], ['v3', 1]), client: 99 };
    const budget = { budget: 20_000 };
    expect(checkHistory([...raced, twoOn], kvModel, budget).verdict).to.equal('illegal');
    expect(checkHistory([...raced, oneOn], kvModel, budget).verdict).to.equal('ok');
    const retried = { ...put([220, 230], 'w', 1, 'ErrVersion'), client: 98 };
    expect(checkHistory([...raced, oneOn, retried], kvModel, budget).verdict).to.equal('illegal');
  });

  it('ErrNoKey on a put only while the key is absent and the version is not 0', () => {
    expect(kv([put([0, 10], 'x', 3, 'ErrNoKey')])).to.equal('ok');
    expect(kv([put([0, 10], 'x', 0, 'ErrNoKey')])).to.equal('illegal');
    expect(kv([put([0, 10], 'x', 0, 'OK'), put([20, 30], 'y', 3, 'ErrNoKey')])).to.equal('illegal');
  });

  it('keys are independent partitions', () => {
    const other: KvOp = {
      ...put([0, 10], 'z', 0, 'OK'),
      input: { op: 'put', key: 'j', value: 'z', version: 0 },
    };
    const result = checkHistory(
      [other, put([0, 10], 'x', 0, 'OK'), get([20, 30], ['x', 1])],
      kvModel,
    );
    expect(result.verdict).to.equal('ok');
    expect(result.partitions).to.equal(2);
  });
});

describe('hand-written etcd histories', () => {
  it('intervals are closed: an operation called when another returns may precede it', () => {
    expect(etcd([write([0, 10], 1), read([10, 20], null)])).to.equal('ok');
    expect(etcd([write([0, 10], 1), read([11, 20], null)])).to.equal('illegal');
  });

  it('overlapping writes in both orders', () => {
    const writes = [write([0, 10], 1), write([5, 15], 2)];
    expect(etcd([...writes, read([20, 30], 1)])).to.equal('ok');
    expect(etcd([...writes, read([20, 30], 2)])).to.equal('ok');
    expect(etcd([...writes, read([20, 30], 1), read([40, 50], 2)])).to.equal('illegal');
  });

  it('an unknown-outcome cas changes the register only if it matched', () => {
    const cas: EtcdOp = {
      client: 2,
      call: 20,
      return: null,
      input: { op: 'cas', from: 1, to: 3 },
      output: null,
    };
    expect(etcd([write([0, 10], 1), cas, read([30, 40], 3)])).to.equal('ok');
    expect(etcd([write([0, 10], 2), cas, read([30, 40], 3)])).to.equal('illegal');
  });

  it('a timed-out read (no output) constrains nothing', () => {
    const timedOut: EtcdOp = {
      client: 1,
      call: 20,
      return: 30,
      input: { op: 'read' },
      output: null,
    };
    expect(etcd([write([0, 10], 1), timedOut])).to.equal('ok');
  });
});

describe('hand-written kv-append histories', () => {
  it('appends concatenate in some order consistent with the reads', () => {
    const append = (span: [number, number], value: string) => ({
      client: 0,
      call: span[0],
      return: span[1],
      input: { op: 'append' as const, key: 'k', value },
      output: { ok: true as const },
    });
    const seen = (span: [number, number], value: string) => ({
      client: 1,
      call: span[0],
      return: span[1],
      input: { op: 'get' as const, key: 'k' },
      output: { value },
    });
    const both = [append([0, 10], 'a'), append([5, 15], 'b')];
    expect(checkHistory([...both, seen([20, 30], 'ba')], kvAppendModel).verdict).to.equal('ok');
    expect(checkHistory([...both, seen([20, 30], 'ab')], kvAppendModel).verdict).to.equal('ok');
    expect(checkHistory([...both, seen([20, 30], 'a')], kvAppendModel).verdict).to.equal('illegal');
  });
});
