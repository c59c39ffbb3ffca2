import { expect } from 'chai';
import { misdescription, type SentMessage } from './message-claims.js';
import type { RaftView } from './view.js';

/** A node whose snapshot ends at 2 (term 1) and whose log holds 3..5 of terms 1, 2, 2. */
function node(role: RaftView['role'], fields: Partial<RaftView> = {}): RaftView {
  const terms = new Map([
    [2, 1],
    [3, 1],
    [4, 2],
    [5, 2],
  ]);
  return {
    role,
    term: 3,
    votedFor: null,
    commitIndex: 4,
    lastApplied: 4,
    lastLogIndex: 5,
    snapshotIndex: 2,
    snapshotTerm: 1,
    termAt: (index) => terms.get(index),
    entryAt: () => undefined,
    matchIndexOf: () => 0,
    takeLogChanges: () => Infinity,
    ...fields,
  };
}

const lie = (message: SentMessage, view: RaftView, to = 1) => misdescription(message, to, view);

describe('G6: a message describes its sender as it is', () => {
  it("a vote request names the candidate's last entry, and only a candidate sends one", () => {
    const ask = (lastLogIndex: number, lastLogTerm: number): SentMessage => ({
      type: 'RequestVote',
      term: 3,
      lastLogIndex,
      lastLogTerm,
    });
    expect(lie(ask(5, 2), node('candidate'))).to.equal(null);
    expect(lie(ask(5, 3), node('candidate'))).to.match(/last entry 5 of term 3; the log ends at 5/);
    expect(lie(ask(4, 2), node('candidate'))).to.not.equal(null);
    // Nothing past the snapshot: the last entry is the snapshot's, not term 0.
    const empty = node('candidate', { lastLogIndex: 2 });
    expect(lie(ask(2, 1), empty)).to.equal(null);
    expect(lie(ask(2, 0), empty)).to.not.equal(null);
    expect(lie(ask(5, 2), node('leader'))).to.match(/sent by a leader/);
  });

  it("an append's previous entry, entries and commit index are the leader's", () => {
    const append = (prevLogIndex: number, prevLogTerm: number, terms: number[], leaderCommit = 4) =>
      ({
        type: 'AppendEntries',
        term: 3,
        prevLogIndex,
        prevLogTerm,
        entries: terms.map((term) => ({ term })),
        leaderCommit,
      }) as const;
    const leader = node('leader');
    expect(lie(append(2, 1, [1, 2, 2]), leader)).to.equal(null); // from the snapshot's index
    expect(lie(append(5, 2, []), leader)).to.equal(null);
    expect(lie(append(4, 1, [2]), leader)).to.match(/after entry 4 of term 1/);
    expect(lie(append(3, 1, [2, 3]), leader)).to.match(/term 3 at 5/);
    expect(lie(append(5, 2, [], 5), leader)).to.match(/leaderCommit 5 past/);
    expect(lie(append(5, 2, []), node('follower'))).to.match(/sent by a follower/);
  });

  it("a snapshot is the leader's own", () => {
    const snapshot = (lastIncludedIndex: number, lastIncludedTerm: number): SentMessage => ({
      type: 'InstallSnapshot',
      term: 3,
      lastIncludedIndex,
      lastIncludedTerm,
    });
    expect(lie(snapshot(2, 1), node('leader'))).to.equal(null);
    expect(lie(snapshot(2, 3), node('leader'))).to.match(/through 2 of term 3/);
    expect(lie(snapshot(4, 2), node('leader'))).to.not.equal(null);
  });

  it("a rejection's fast backup hint is the follower's log (xTerm, xIndex, xLen)", () => {
    const reject = (prevLogIndex: number, xTerm: number, xIndex: number, xLen = 6) =>
      ({
        type: 'AppendEntriesReply',
        term: 3,
        success: false,
        prevLogIndex,
        xTerm,
        xIndex,
        xLen,
      }) as const;
    const follower = node('follower');
    expect(lie(reject(5, 2, 4), follower)).to.equal(null);
    expect(lie(reject(3, 1, 3), follower)).to.equal(null); // the first index above the snapshot
    expect(lie(reject(7, 0, 0), follower)).to.equal(null); // the log is too short
    expect(lie(reject(7, 0, 0, 4), follower)).to.match(/xLen 4/); // counted past the snapshot
    expect(lie(reject(5, 2, 5), follower)).to.match(/xIndex 5, not the first/);
    expect(lie(reject(5, 1, 3), follower)).to.match(/xTerm 1/);
    expect(lie(reject(7, 0, 3), follower)).to.match(/xTerm 0 and xIndex 3/);
  });

  it('a granted vote is the one the voter holds; acknowledgements are left to G1 and G5', () => {
    const grant: SentMessage = { type: 'RequestVoteReply', term: 3, voteGranted: true };
    expect(lie(grant, node('follower', { votedFor: 1 }))).to.equal(null);
    expect(lie(grant, node('follower', { votedFor: 2 }))).to.match(/granted to 1 with votedFor 2/);
    const refusal: SentMessage = { type: 'RequestVoteReply', term: 3, voteGranted: false };
    expect(lie(refusal, node('follower', { votedFor: 2 }))).to.equal(null);
    const ack: SentMessage = { type: 'AppendEntriesReply', term: 3, success: true };
    expect(lie(ack, node('follower'))).to.equal(null);
  });
});
