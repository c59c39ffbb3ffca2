import { expect } from 'chai';
import type { RaftEffect } from './core.js';
import type { RaftMessage } from './messages.js';
import { RaftNode } from './node.js';
import { CorruptStateError, decodeState, encodeState } from './persist.js';
import { TestCluster, bytesOf, effectNotes as notes } from './testkit.js';
import { type ApplyMsg, logIndex, nodeId, term } from './types.js';

const persists = (effects: readonly RaftEffect[]) =>
  effects.flatMap((e) => (e.kind === 'persist' ? [e] : []));

/** A 3-node cluster with leader 0 and `count` commands committed and applied everywhere. */
function committed(count: number): TestCluster {
  const c = new TestCluster(3);
  c.elect(0);
  for (let k = 1; k <= count; k++) c.propose(0, bytesOf(k));
  c.tick();
  c.tick();
  return c;
}

describe('log compaction (§7) and restarts', () => {
  it('§7 snapshot(index) beyond commitIndex is ignored with a note', () => {
    const c = committed(3);
    const effects = c.snapshot(1, 4, bytesOf(9));
    expect(notes(effects)).to.deep.equal(['snapshot(4) ignored: beyond commitIndex 3']);
    expect(c.node(1).snapshotIndex).to.equal(0);
  });

  it('§7 snapshot(index) not above the current snapshot is ignored with a note', () => {
    const c = committed(3);
    c.snapshot(1, 2, bytesOf(2));
    const effects = c.snapshot(1, 2, bytesOf(2));
    expect(notes(effects)).to.deep.equal(['snapshot(2) ignored: not above snapshot 2']);
    expect(notes(c.snapshot(1, 1, bytesOf(1)))).to.have.length(1);
  });

  it('§7 snapshot trims the log and persists state and snapshot together; later saves keep it', () => {
    const c = committed(5);
    const effects = c.snapshot(1, 3, bytesOf(3, 3));
    const node = c.node(1);
    expect(node.snapshotIndex).to.equal(3);
    expect(node.snapshotTerm).to.equal(1);
    expect(node.entryAt(3)).to.equal(undefined);
    expect(node.entryAt(4)?.command).to.deep.equal(bytesOf(4));
    const [saved] = persists(effects);
    expect(saved?.snapshot).to.deep.equal(bytesOf(3, 3));
    const state = decodeState(saved?.raftState ?? bytesOf(), bytesOf(3, 3), 3);
    expect(state.snapshotIndex).to.equal(3);
    expect(state.entries).to.have.length(2);
    c.propose(0, bytesOf(6));
    const later = c.fire(0, 'replicate');
    expect(later).to.not.equal(undefined);
    c.deliverAll();
    expect(c.saved[1]?.snapshot).to.deep.equal(bytesOf(3, 3));
  });

  it('§7 a follower behind the snapshot gets InstallSnapshot, applies it, then the next command', () => {
    const c = new TestCluster(3);
    c.elect(0);
    c.disconnect(2);
    for (let k = 1; k <= 5; k++) c.propose(0, bytesOf(k));
    c.tick();
    c.tick();
    c.snapshot(0, 4, bytesOf(4, 4));
    c.connect(2);
    c.tick();
    c.tick();
    const applied = c.applied[2] as ApplyMsg[];
    expect(applied[0]).to.deep.equal({
      commandValid: false,
      snapshotValid: true,
      snapshot: bytesOf(4, 4),
      snapshotTerm: 1,
      snapshotIndex: 4,
    });
    expect(c.appliedIndexes(2)).to.deep.equal([-4, 5]);
    expect(c.node(2).snapshotIndex).to.equal(4);
    expect(c.node(0).progressOf(2)).to.deep.equal({ nextIndex: 6, matchIndex: 5 });
  });

  it('§7 a follower that holds the snapshot’s last entry keeps the entries after it', () => {
    const node = new RaftNode({
      id: 1,
      nodes: 3,
      raftState: bytesOf(),
      snapshot: bytesOf(),
      seed: 1,
    });
    node.start();
    const t1 = term(1);
    node.message(0, {
      type: 'AppendEntries',
      term: t1,
      prevLogIndex: logIndex(0),
      prevLogTerm: term(0),
      entries: [1, 2, 3].map((k) => ({ term: t1, command: bytesOf(k) })),
      leaderCommit: logIndex(0),
    });
    const snapshot: RaftMessage = {
      type: 'InstallSnapshot',
      term: t1,
      lastIncludedIndex: logIndex(2),
      lastIncludedTerm: t1,
      data: bytesOf(2),
    };
    const effects = node.message(0, snapshot);
    expect(node.snapshotIndex).to.equal(2);
    expect(node.lastLogIndex).to.equal(3);
    expect(node.commitIndex).to.equal(2);
    const kinds = effects.map((e) => e.kind);
    expect(kinds.indexOf('persist')).to.be.lessThan(kinds.indexOf('apply'));
    expect(kinds.indexOf('apply')).to.be.lessThan(kinds.indexOf('send'));
    expect(persists(effects)[0]?.snapshot).to.deep.equal(bytesOf(2));
  });

  it('§7 an InstallSnapshot that does not pass commitIndex never moves the service backwards', () => {
    const c = committed(5);
    const effects = c.node(2).message(0, {
      type: 'InstallSnapshot',
      term: term(1),
      lastIncludedIndex: logIndex(3),
      lastIncludedTerm: term(1),
      data: bytesOf(3),
    });
    expect(effects.map((e) => e.kind)).to.deep.equal(['setTimer', 'send']);
    expect(c.node(2).commitIndex).to.equal(5);
    expect(c.node(2).lastLogIndex).to.equal(5);
  });

  it('§7 an InstallSnapshot of an older term is answered with the newer term and acknowledges nothing', () => {
    const c = committed(5);
    c.node(2).message(1, {
      type: 'RequestVote',
      term: term(3),
      lastLogIndex: logIndex(0),
      lastLogTerm: term(0),
    });
    const effects = c.node(2).message(0, {
      type: 'InstallSnapshot',
      term: term(1),
      lastIncludedIndex: logIndex(9),
      lastIncludedTerm: term(1),
      data: bytesOf(9),
    });
    const replies = effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []));
    // Were index 9 echoed, a node 0 that has since won term 3 would count node 2 as holding it.
    expect(replies).to.deep.equal([
      { type: 'InstallSnapshotReply', term: 3, lastIncludedIndex: 0 },
    ]);
    expect(c.node(2).lastLogIndex).to.equal(5);
  });

  it('boot with a snapshot: commit and apply start at its index; the first apply is the next command', () => {
    const c = committed(5);
    for (let i = 0; i < 3; i++) c.snapshot(i, 3, bytesOf(3));
    for (let i = 0; i < 3; i++) c.crash(i);
    for (let i = 0; i < 3; i++) c.boot(i);
    const node = c.node(1);
    expect(node.snapshotIndex).to.equal(3);
    expect(node.commitIndex).to.equal(3);
    expect(node.lastApplied).to.equal(3);
    expect(node.lastLogIndex).to.equal(5);
    c.applied[1]?.splice(0);
    c.elect(1);
    c.propose(1, bytesOf(6));
    c.tick();
    c.tick();
    expect(c.appliedIndexes(1)).to.deep.equal([4, 5, 6]);
  });

  it('Figure 2: a restarted node keeps currentTerm, votedFor and its log', () => {
    const c = committed(2);
    c.fire(2, 'election'); // term 2, votes for itself, cut off below
    c.inFlight.length = 0;
    c.crash(2);
    c.boot(2);
    const node = c.node(2);
    expect(node.term).to.equal(2);
    expect(node.votedFor).to.equal(2);
    expect(node.role).to.equal('follower');
    expect(node.lastLogIndex).to.equal(2);
    expect(node.commitIndex).to.equal(0); // volatile: learnt again from the leader
  });

  it('a restarted node that persists again keeps its snapshot (SnapshotInit3D)', () => {
    const c = committed(4);
    c.snapshot(2, 3, bytesOf(3));
    c.crash(2);
    c.boot(2);
    c.fire(2, 'election'); // persists a new term, handing over the snapshot it booted with
    expect(c.saved[2]?.snapshot).to.deep.equal(bytesOf(3));
    c.crash(2);
    c.boot(2);
    expect(c.node(2).snapshotIndex).to.equal(3);
  });

  it('boot rejects damaged state with CorruptStateError, and a snapshot without state', () => {
    const state = encodeState(
      {
        currentTerm: term(2),
        votedFor: nodeId(0),
        snapshotIndex: logIndex(0),
        snapshotTerm: term(0),
        entries: [],
      },
      bytesOf(),
    );
    const boot =
      (raftState: Uint8Array, snapshot = bytesOf()) =>
      () =>
        new RaftNode({ id: 0, nodes: 3, raftState, snapshot, seed: 1 });
    expect(boot(state)().term).to.equal(2);
    expect(boot(state.subarray(0, state.length - 1))).to.throw(CorruptStateError, /truncated/);
    const flipped = state.slice();
    flipped[8] = (flipped[8] as number) ^ 0x40;
    expect(boot(flipped)).to.throw(CorruptStateError, /checksum/);
    expect(boot(bytesOf(), bytesOf(1))).to.throw(CorruptStateError, /empty/);
  });

  it('3D bound: the persisted state stays small when the service snapshots every 10 entries', () => {
    const c = new TestCluster(3);
    c.elect(0);
    for (let k = 1; k <= 100; k++) {
      c.propose(0, bytesOf(k, k, k, k));
      c.tick();
      for (let i = 0; i < 3; i++) {
        const applied = c.node(i).lastApplied;
        if (applied >= c.node(i).snapshotIndex + 10) c.snapshot(i, applied, bytesOf(applied));
      }
    }
    for (let i = 0; i < 3; i++) expect(c.saved[i]?.raftState.length).to.be.below(200);
  });
});
