import { expect } from 'chai';
import type { RaftMessage } from '../messages.js';
import type { MutantId } from '../mutants.js';
import { term } from '../types.js';
import { Clerk } from './clerk.js';
import { type KvEffect, KvServer, isClerkReturn } from './server.js';
import type { KvReply, KvRequest } from './types.js';

/** The key/value service's mutants of the bug zoo, each against the correct build. */

type Build = MutantId | null;

const clerkContext = { id: 3, nodes: 4, raftState: new Uint8Array(), snapshot: new Uint8Array() };
const put = { kind: 'put' as const, key: 'a', value: 'x', version: 0 };

const requests = (effects: readonly KvEffect[]): KvRequest[] =>
  effects.flatMap((e) => (e.kind === 'send' && e.message.type === 'KvRequest' ? [e.message] : []));
const kvReplies = (effects: readonly KvEffect[]): KvReply[] =>
  effects.flatMap((e) => (e.kind === 'send' && e.message.type === 'KvReply' ? [e.message] : []));

/** Server 0 of three, made leader of term 1 by hand. */
function leader(build: Build): KvServer {
  const server = new KvServer(
    { id: 0, nodes: 4, raftState: new Uint8Array(), snapshot: new Uint8Array(), seed: 1 },
    3,
    { raft: {}, maxRaftStateBytes: 0, mutant: build },
  );
  server.start();
  server.timer('election');
  const vote: RaftMessage = { type: 'RequestVoteReply', term: term(1), voteGranted: true };
  server.message(1, vote);
  expect(server.raft.role).to.equal('leader');
  return server;
}

describe('the bug zoo: key/value mutants against the correct build', () => {
  it('Z19 a resend is a new request, and its ErrVersion is reported as definite', () => {
    const outcome = (build: Build) => {
      const clerk = new Clerk({ ...clerkContext, seed: 1 }, 3, undefined, build);
      const first = requests(clerk.invoke(put));
      const resend = requests(clerk.timer('retry')); // the first attempt got no answer
      const seqs = [...first, ...resend].map((r) => r.seq);
      const answer: KvReply = {
        type: 'KvReply',
        seq: seqs[1] ?? 0,
        err: 'ErrVersion',
        value: '',
        version: 1,
      };
      const done = clerk.message(1, answer).find((e) => e.kind === 'apply');
      const err =
        done?.kind === 'apply' && isClerkReturn(done.message) ? done.message.result.err : null;
      return { seqs, err };
    };
    expect(outcome(null)).to.deep.equal({ seqs: [1, 1], err: 'ErrMaybe' });
    expect(outcome('Z19')).to.deep.equal({ seqs: [1, 2], err: 'ErrVersion' });
  });

  it('Z20 a leader answers a get from its own table at once, with nothing in the log', () => {
    const outcome = (build: Build) => {
      const server = leader(build);
      const before = server.raft.lastLogIndex;
      const get: KvRequest = { type: 'KvRequest', seq: 1, op: { kind: 'get', key: 'a' } };
      const answered = kvReplies(server.message(3, get)).map((r) => r.err);
      return { answered, appended: server.raft.lastLogIndex - before };
    };
    expect(outcome(null)).to.deep.equal({ answered: [], appended: 1 });
    expect(outcome('Z20')).to.deep.equal({ answered: ['ErrNoKey'], appended: 0 });
  });
});
