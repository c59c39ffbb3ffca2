import { expect } from 'chai';
import { DEFAULT_RAFT_OPTIONS } from './options.js';
import { raftProgram } from './program.js';
import { bytesOf } from './testkit.js';
import { logIndex, term } from './types.js';

describe('raftProgram', () => {
  const program = raftProgram();

  it('describes each message in one short line for traces', () => {
    expect(
      program.describe({
        type: 'AppendEntries',
        term: term(3),
        prevLogIndex: logIndex(4),
        prevLogTerm: term(2),
        entries: [
          { term: term(3), command: bytesOf(1) },
          { term: term(3), command: bytesOf(2) },
        ],
        leaderCommit: logIndex(5),
      }),
    ).to.equal('AppendEntries t3 prev=4/2 n=2 commit=5');
    expect(
      program.describe({
        type: 'AppendEntriesReply',
        term: term(3),
        success: false,
        prevLogIndex: logIndex(9),
        xTerm: term(2),
        xIndex: logIndex(4),
        xLen: logIndex(8),
      }),
    ).to.equal('AppendEntriesReply t3 reject prev=9 x=2/4/8');
    expect(
      program.describe({
        type: 'RequestVote',
        term: term(5),
        lastLogIndex: logIndex(7),
        lastLogTerm: term(4),
      }),
    ).to.equal('RequestVote t5 last=7/4');
  });

  it('tells replies from requests', () => {
    expect(
      program.isReply({ type: 'RequestVoteReply', term: term(1), voteGranted: true }),
    ).to.equal(true);
    expect(
      program.isReply({
        type: 'InstallSnapshotReply',
        term: term(1),
        lastIncludedIndex: logIndex(3),
      }),
    ).to.equal(true);
    expect(
      program.isReply({
        type: 'RequestVote',
        term: term(1),
        lastLogIndex: logIndex(0),
        lastLogTerm: term(0),
      }),
    ).to.equal(false);
  });

  it('indexes and describes applies', () => {
    const command = {
      commandValid: true,
      command: bytesOf(1, 2),
      commandIndex: logIndex(4),
      commandTerm: term(2),
      snapshotValid: false,
    } as const;
    const snapshot = {
      commandValid: false,
      snapshotValid: true,
      snapshot: bytesOf(1),
      snapshotIndex: logIndex(9),
      snapshotTerm: term(3),
    } as const;
    expect(program.applyIndex(command)).to.equal(4);
    expect(program.applyIndex(snapshot)).to.equal(9);
    expect(program.describeApply(command)).to.equal('command 4 t2 2B');
    expect(program.describeApply(snapshot)).to.equal('snapshot 9 t3 1B');
  });

  it('boots fresh nodes that arm an election timer within the configured range', () => {
    const node = program.boot({
      id: 1,
      nodes: 3,
      raftState: bytesOf(),
      snapshot: bytesOf(),
      seed: 5,
    });
    const [note, timer] = node.start();
    expect(note).to.deep.equal({ kind: 'note', text: 'follower term 0' });
    expect(timer?.kind).to.equal('setTimer');
    if (timer?.kind === 'setTimer') {
      expect(timer.afterMicros).to.be.within(
        DEFAULT_RAFT_OPTIONS.electionTimeoutMinMicros,
        DEFAULT_RAFT_OPTIONS.electionTimeoutMaxMicros,
      );
    }
    expect(node.getState()).to.deep.equal({ term: 0, isLeader: false });
  });

  it('a message from a node outside the cluster is dropped with a note', () => {
    const node = program.boot({
      id: 0,
      nodes: 3,
      raftState: bytesOf(),
      snapshot: bytesOf(),
      seed: 5,
    });
    node.start();
    const effects = node.message(7, {
      type: 'RequestVote',
      term: term(9),
      lastLogIndex: logIndex(0),
      lastLogTerm: term(0),
    });
    expect(effects).to.deep.equal([
      { kind: 'note', text: 'RequestVote from unknown node 7 dropped' },
    ]);
    expect(node.term).to.equal(0);
  });

  it('rejects bad options and bad boot contexts with errors naming them', () => {
    expect(() => raftProgram({ heartbeatIntervalMicros: 400_000 })).to.throw(
      /heartbeatIntervalMicros/,
    );
    expect(() =>
      raftProgram({ electionTimeoutMinMicros: 9, electionTimeoutMaxMicros: 1 }),
    ).to.throw(/election timeout/);
    expect(() => raftProgram({ maxEntriesPerAppend: 0 })).to.throw(/maxEntriesPerAppend/);
    expect(() => raftProgram({ backup: 'sideways' as never })).to.throw(/backup must be one of/);
    expect(() =>
      program.boot({ id: 3, nodes: 3, raftState: bytesOf(), snapshot: bytesOf(), seed: 1 }),
    ).to.throw(/id 3/);
  });
});
