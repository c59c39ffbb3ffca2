import { expect } from 'chai';
import { Clerk } from './clerk.js';
import { isClerkReturn, type KvEffect } from './server.js';
import type { ClerkReturn, KvReply } from './types.js';

const context = {
  id: 3,
  nodes: 4,
  raftState: new Uint8Array(),
  snapshot: new Uint8Array(),
  seed: 1,
};
const put = { kind: 'put' as const, key: 'a', value: 'x', version: 0 };

function reply(seq: number, err: KvReply['err']): KvReply {
  return { type: 'KvReply', seq, err, value: '', version: 0 };
}

function sentTo(effects: readonly KvEffect[]): number[] {
  return effects.flatMap((e) => (e.kind === 'send' ? [e.to] : []));
}

function returned(effects: readonly KvEffect[]): ClerkReturn | null {
  const e = effects.find((x) => x.kind === 'apply');
  return e?.kind === 'apply' && isClerkReturn(e.message) ? e.message : null;
}

describe('Clerk', () => {
  it('sends to its leader guess and tries the next server on a wrong-leader answer', () => {
    const clerk = new Clerk(context, 3);
    expect(sentTo(clerk.invoke(put))).to.deep.equal([0]);
    expect(sentTo(clerk.message(0, reply(1, 'ErrWrongLeader')))).to.deep.equal([1]);
    const done = returned(clerk.message(1, reply(1, 'OK')));
    expect(done).to.deep.include({ kind: 'clerk-return', seq: 1, clerk: 3 });
    expect(clerk.busy).to.equal(false);
    expect(sentTo(clerk.invoke({ kind: 'get', key: 'a' }))).to.deep.equal([1]); // remembers the leader
  });

  it('an ErrVersion after an unanswered attempt is ErrMaybe: the first put may have executed', () => {
    const clerk = new Clerk(context, 3);
    clerk.invoke(put);
    expect(sentTo(clerk.timer('retry'))).to.deep.equal([1]); // no reply: resend elsewhere
    const done = returned(clerk.message(1, reply(1, 'ErrVersion')));
    expect(done?.result.err).to.equal('ErrMaybe');
  });

  it('an ErrVersion with no ambiguous attempt before it stays ErrVersion', () => {
    const clerk = new Clerk(context, 3);
    clerk.invoke(put);
    clerk.message(0, reply(1, 'ErrWrongLeader')); // a definite "not executed"
    const done = returned(clerk.message(1, reply(1, 'ErrVersion')));
    expect(done?.result.err).to.equal('ErrVersion');
  });

  it('ignores replies to older calls and stray messages', () => {
    const clerk = new Clerk(context, 3);
    clerk.invoke(put);
    expect(clerk.message(0, reply(7, 'OK'))).to.deep.equal([]);
    expect(clerk.busy).to.equal(true);
  });

  it('backs off once every server refused, then starts a new round', () => {
    const clerk = new Clerk(context, 3);
    clerk.invoke(put);
    clerk.message(0, reply(1, 'ErrWrongLeader'));
    clerk.message(1, reply(1, 'ErrWrongLeader'));
    const effects = clerk.message(2, reply(1, 'ErrWrongLeader'));
    expect(sentTo(effects)).to.deep.equal([]);
    expect(effects).to.deep.include({ kind: 'setTimer', name: 'retry', afterMicros: 50_000 });
    expect(sentTo(clerk.timer('retry'))).to.have.length(1);
  });

  it('refuses a second call while one is open', () => {
    const clerk = new Clerk(context, 3);
    clerk.invoke(put);
    expect(() => clerk.invoke(put)).to.throw(/while a call is open/);
  });
});
