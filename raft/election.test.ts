import { expect } from 'chai';
import type { RaftEffect } from './core.js';
import type { RaftMessage } from './messages.js';
import { RaftNode } from './node.js';
import { decodeState } from './persist.js';
import {
  TestCluster,
  bytesOf,
  requestVote,
  effectKinds as kinds,
  effectNotes as notes,
} from './testkit.js';
import { logIndex, term } from './types.js';

const sends = (effects: readonly RaftEffect[]): { to: number; message: RaftMessage }[] =>
  effects.flatMap((e) => (e.kind === 'send' ? [{ to: e.to, message: e.message }] : []));
const timersSet = (effects: readonly RaftEffect[]): string[] =>
  effects.flatMap((e) => (e.kind === 'setTimer' ? [e.name] : []));

function freshNode(id = 0, nodes = 3, seed = 1): RaftNode {
  const node = new RaftNode({
    id,
    nodes,
    raftState: new Uint8Array(0),
    snapshot: new Uint8Array(0),
    seed,
  });
  node.start();
  return node;
}

describe('elections (§5.2) and terms (§5.1)', () => {
  it('§5.2 an election timeout makes a follower a candidate that votes for itself, persists, then asks every peer', () => {
    const c = new TestCluster(3);
    const effects = c.fire(0, 'election');
    expect(c.node(0).role).to.equal('candidate');
    expect(c.node(0).term).to.equal(1);
    expect(c.node(0).votedFor).to.equal(0);
    const order = kinds(effects);
    expect(order.indexOf('persist')).to.be.lessThan(order.indexOf('send'));
    expect(sends(effects).map((s) => s.to)).to.deep.equal([1, 2]);
    expect(sends(effects)[0]?.message).to.deep.equal(requestVote(1));
    expect(timersSet(effects)).to.deep.equal(['election']);
    expect(notes(effects)).to.include('candidate term 1');
  });

  it('§5.2 a candidate with votes from a majority becomes leader and sends AppendEntries at once', () => {
    const c = new TestCluster(3);
    c.fire(0, 'election');
    c.deliver(0); // RequestVote to node 1, which grants
    const reply = c.inFlight.findIndex((f) => f.message.type === 'RequestVoteReply');
    const effects = c.deliver(reply);
    expect(c.node(0).role).to.equal('leader');
    expect(notes(effects)).to.include('leader term 1');
    expect(sends(effects).map((s) => [s.to, s.message.type])).to.deep.equal([
      [1, 'AppendEntries'],
      [2, 'AppendEntries'],
    ]);
    expect(effects).to.deep.include({ kind: 'cancelTimer', name: 'election' });
    expect(timersSet(effects)).to.deep.equal(['heartbeat']);
  });

  it('§5.2 a node grants at most one vote per term, first come first served', () => {
    const node = freshNode(2);
    const first = sends(node.message(0, requestVote(1)));
    const second = sends(node.message(1, requestVote(1)));
    const again = sends(node.message(0, requestVote(1))); // a duplicate of the first request
    expect(first[0]?.message).to.deep.include({ type: 'RequestVoteReply', voteGranted: true });
    expect(second[0]?.message).to.deep.include({ voteGranted: false });
    expect(again[0]?.message).to.deep.include({ voteGranted: true });
    expect(node.votedFor).to.equal(0);
  });

  it('§5.4.1 a node refuses its vote to a candidate whose log is less up to date', () => {
    const node = freshNode(2);
    node.message(0, {
      type: 'AppendEntries',
      term: term(2),
      prevLogIndex: logIndex(0),
      prevLogTerm: term(0),
      entries: [{ term: term(2), command: bytesOf(1) }],
      leaderCommit: logIndex(0),
    });
    const staleLog = sends(node.message(1, requestVote(3, 5, 1)));
    expect(staleLog[0]?.message).to.deep.include({ term: 3, voteGranted: false });
    const shorter = sends(node.message(1, requestVote(3, 0, 0)));
    expect(shorter[0]?.message).to.deep.include({ voteGranted: false });
    const upToDate = sends(node.message(0, requestVote(3, 1, 2)));
    expect(upToDate[0]?.message).to.deep.include({ voteGranted: true });
  });

  it('§5.1 a node that sees a higher term becomes follower and persists it before replying', () => {
    const c = new TestCluster(3);
    c.elect(0);
    expect(c.leaders()).to.deep.equal([0]);
    const effects = c.run(0, c.node(0).message(1, requestVote(5, 0, 0)));
    expect(c.node(0).getState()).to.deep.equal({ term: 5, isLeader: false });
    const order = kinds(effects);
    expect(order.indexOf('persist')).to.be.within(0, order.indexOf('send'));
    const saved = c.saved[0];
    const state = decodeState(saved?.raftState ?? new Uint8Array(), new Uint8Array(), 3);
    expect(state.currentTerm).to.equal(5);
    expect(state.votedFor).to.equal(1);
    expect(effects).to.deep.include({ kind: 'cancelTimer', name: 'heartbeat' });
    expect(timersSet(effects)).to.include('election');
    expect(notes(effects)).to.include('follower term 5');
  });

  it('§5.1 a request from an older term is answered with the current term and changes nothing', () => {
    const node = freshNode(1);
    node.message(0, requestVote(3));
    const vote = node.message(2, requestVote(2, 9, 2));
    expect(kinds(vote)).to.deep.equal(['send']);
    expect(sends(vote)[0]?.message).to.deep.equal({
      type: 'RequestVoteReply',
      term: 3,
      voteGranted: false,
    });
    const append = node.message(2, {
      type: 'AppendEntries',
      term: term(2),
      prevLogIndex: logIndex(0),
      prevLogTerm: term(0),
      entries: [],
      leaderCommit: logIndex(0),
    });
    expect(kinds(append)).to.deep.equal(['send']); // no timer reset, no persist
    expect(sends(append)[0]?.message).to.deep.include({ term: 3, success: false });
    expect(node.term).to.equal(3);
  });

  it('§5.1 a reply from an older term is ignored', () => {
    const c = new TestCluster(3);
    c.fire(0, 'election');
    c.fire(0, 'election'); // term 2
    const effects = c
      .node(0)
      .message(1, { type: 'RequestVoteReply', term: term(1), voteGranted: true });
    c.node(0).message(2, { type: 'RequestVoteReply', term: term(1), voteGranted: true });
    expect(effects).to.deep.equal([]);
    expect(c.node(0).role).to.equal('candidate');
  });

  it('§5.2 a candidate that hears from a leader of its own term becomes its follower', () => {
    const c = new TestCluster(3);
    c.fire(0, 'election');
    const effects = c.node(0).message(1, {
      type: 'AppendEntries',
      term: term(1),
      prevLogIndex: logIndex(0),
      prevLogTerm: term(0),
      entries: [],
      leaderCommit: logIndex(0),
    });
    expect(c.node(0).role).to.equal('follower');
    expect(c.node(0).leaderId).to.equal(1);
    expect(c.node(0).term).to.equal(1);
    expect(sends(effects)[0]?.message).to.deep.include({ success: true });
  });

  it('§5.2 a candidate whose election times out starts another in the next term', () => {
    const c = new TestCluster(3);
    c.fire(0, 'election');
    const effects = c.fire(0, 'election');
    expect(c.node(0).term).to.equal(2);
    expect(sends(effects).map((s) => s.message)).to.deep.equal([requestVote(2), requestVote(2)]);
  });

  it('§5.2 granting a vote pushes the election timeout back; refusing one does not', () => {
    const node = freshNode(2);
    expect(timersSet(node.message(0, requestVote(1)))).to.deep.equal(['election']);
    expect(timersSet(node.message(1, requestVote(1)))).to.deep.equal([]);
  });

  it('§5.2 election timeouts are random in [300 ms, 600 ms], drawn from the seed, reproducibly', () => {
    const draws = (seed: number): number[] => {
      const node = freshNode(0, 3, seed);
      return Array.from({ length: 20 }, () => {
        const timer = node.timer('election').find((e) => e.kind === 'setTimer');
        return timer?.kind === 'setTimer' ? timer.afterMicros : -1;
      });
    };
    const a = draws(7);
    for (const d of a) expect(d).to.be.within(300_000, 600_000);
    expect(draws(7)).to.deep.equal(a);
    expect(draws(8)).to.not.deep.equal(a);
    expect(new Set(a).size).to.be.greaterThan(10);
  });

  it('§5.2 three nodes elect exactly one leader with 2 RequestVotes and 2 AppendEntries', () => {
    const c = new TestCluster(3);
    c.elect(1);
    expect(c.leaders()).to.deep.equal([1]);
    expect(c.node(0).leaderId).to.equal(1);
    expect(c.node(2).leaderId).to.equal(1);
    expect(c.requestsDelivered).to.equal(4);
  });

  it('a cluster of one elects itself at its first timeout and commits alone', () => {
    const c = new TestCluster(1);
    c.fire(0, 'election');
    expect(c.leaders()).to.deep.equal([0]);
    const result = c.propose(0, bytesOf(42));
    expect(result).to.deep.include({ index: 1, term: 1, isLeader: true });
    expect(c.appliedIndexes(0)).to.deep.equal([1]);
  });

  it('§5.2 a leader ignores a stale election timer with a note', () => {
    const c = new TestCluster(3);
    c.elect(0);
    expect(notes(c.node(0).timer('election'))).to.deep.equal(['timer election ignored as leader']);
  });
});
