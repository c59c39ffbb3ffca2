import { expect } from 'chai';
import type { ClerkReturn, KvOp, KvReply } from '../../raft/kv/types.js';
import { violationRaised } from '../testing/violations.js';
import { ReturnCheck } from './clerk-returns.js';

/** 3 servers (0..2) and one clerk (node 3), which sent requests numbered `sent` for its call. */
function setup(sent: readonly number[]) {
  const check = new ReturnCheck(3, 1, () => ({ t: 100, event: 9 }));
  for (const seq of sent) check.beforeSend(3, 0, { type: 'KvRequest', seq, op: put.op });
  return check;
}

const put = { op: { kind: 'put', key: 'k', value: 'v', version: 1 } as KvOp };
const append: KvOp = { kind: 'append', key: 'k', value: 'x' };
const get: KvOp = { kind: 'get', key: 'k' };

function answer(seq: number, err: KvReply['err'], version = 2, value = ''): KvReply {
  return { type: 'KvReply', seq, err, value, version };
}

function returned(op: KvOp, err: ClerkReturn['result']['err'], version = 2, value = '') {
  return { kind: 'clerk-return', clerk: 3, seq: 1, op, result: { err, value, version } } as const;
}

/** The clerk handles `reply` from server 1 and returns `ret` within that input. */
function verdict(check: ReturnCheck, reply: KvReply | null, ret: ClerkReturn): string | null {
  return (
    violationRaised(() => {
      if (reply !== null) check.beforeDeliver(3, 1, reply);
      check.returned(3, ret);
      check.afterInput(3);
    })?.message ?? null
  );
}

describe('ReturnCheck (DUR when a clerk returns)', () => {
  it('passes a return that is the answer the clerk took', () => {
    expect(verdict(setup([1]), answer(1, 'OK'), returned(put.op, 'OK'))).to.equal(null);
    const read = returned(get, 'OK', 3, 'abc');
    expect(verdict(setup([1]), answer(1, 'OK', 3, 'abc'), read)).to.equal(null);
  });

  it('passes ErrMaybe where the clerk cannot tell whether its own write took effect', () => {
    const maybe = returned(put.op, 'ErrMaybe', 5);
    expect(verdict(setup([1, 1]), answer(1, 'ErrVersion', 5), maybe)).to.equal(null);
    const appendMaybe = returned(append, 'ErrMaybe', 0);
    expect(verdict(setup([1]), answer(1, 'ErrVersion', 0), appendMaybe)).to.equal(null);
  });

  it('fails a return weaker or other than the answer: ErrMaybe for OK, another value', () => {
    expect(verdict(setup([1]), answer(1, 'OK'), returned(put.op, 'ErrMaybe'))).to.match(
      /clerk 3 returned put 1 as ErrMaybe, version 2, but the answer it took said OK, version 2/,
    );
    expect(verdict(setup([1]), answer(1, 'OK'), returned(append, 'ErrMaybe'))).to.match(
      /returned append 1 as ErrMaybe/,
    );
    const read = returned(get, 'OK', 3, 'abc');
    expect(verdict(setup([1]), answer(1, 'OK', 3, 'ab'), read)).to.match(
      /returned get 1 as OK, version 3, value "abc", but the answer it took said OK, version 3, value "ab"/,
    );
    expect(verdict(setup([1]), answer(1, 'ErrNoKey', 0), returned(get, 'ErrMaybe', 0))).to.match(
      /returned get 1 as ErrMaybe/,
    );
  });

  it('fails a return made of no answer, of a wrong-leader answer, or of an earlier call', () => {
    expect(verdict(setup([1]), null, returned(put.op, 'OK'))).to.match(
      /clerk 3 returned put 1 as OK, version 2, with no server's answer in hand/,
    );
    expect(verdict(setup([1]), answer(1, 'ErrWrongLeader'), returned(put.op, 'OK'))).to.match(
      /but the answer it took said ErrWrongLeader/,
    );
    expect(verdict(setup([2]), answer(1, 'OK'), returned(put.op, 'OK'))).to.match(
      /from an answer to request 1, not one of this call's/,
    );
  });

  it("forgets a call's requests once it returns, and an answer once its input ends", () => {
    const check = setup([1]);
    expect(verdict(check, answer(1, 'OK'), returned(put.op, 'OK'))).to.equal(null);
    // The next call sent nothing yet: request 1 belongs to the call that returned.
    expect(verdict(check, answer(1, 'OK'), returned(put.op, 'OK'))).to.match(
      /not one of this call's/,
    );
    const timer = setup([1]);
    timer.beforeDeliver(3, 1, answer(1, 'OK'));
    timer.afterInput(3);
    expect(verdict(timer, null, returned(put.op, 'OK'))).to.match(/no server's answer in hand/);
  });
});
