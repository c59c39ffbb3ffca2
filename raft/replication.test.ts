import { expect } from 'chai';
import type { RaftEffect } from './core.js';
import type { AppendEntries, RaftMessage } from './messages.js';
import { RaftNode } from './node.js';
import type { BackupPolicy } from './options.js';
import { TestCluster, bytesOf, effectKinds as kinds } from './testkit.js';
import { type Entry, logIndex, term } from './types.js';

const sent = (effects: readonly RaftEffect[]): RaftMessage[] =>
  effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []));

function follower(id = 1): RaftNode {
  const node = new RaftNode({
    id,
    nodes: 3,
    raftState: new Uint8Array(0),
    snapshot: new Uint8Array(0),
    seed: 3,
  });
  node.start();
  return node;
}

const entries = (...terms: number[]): Entry[] =>
  terms.map((t, k) => ({ term: term(t), command: bytesOf(t, k) }));

function append(t: number, prev: [number, number], es: Entry[], commit = 0): AppendEntries {
  return {
    type: 'AppendEntries',
    term: term(t),
    prevLogIndex: logIndex(prev[0]),
    prevLogTerm: term(prev[1]),
    entries: es,
    leaderCommit: logIndex(commit),
  };
}

function termsOf(node: RaftNode): number[] {
  const out: number[] = [];
  for (let i = node.snapshotIndex + 1; i <= node.lastLogIndex; i++) out.push(node.termAt(i) ?? -1);
  return out;
}

describe('log replication (§5.3, §5.4)', () => {
  it('§5.3 propose on a follower returns isLeader false, appends nothing and notes why', () => {
    const c = new TestCluster(3);
    c.elect(0);
    const result = c.propose(1, bytesOf(7));
    expect(result.isLeader).to.equal(false);
    expect(result.term).to.equal(1);
    expect(result.effects).to.deep.equal([
      { kind: 'note', text: 'propose ignored: follower in term 1' },
    ]);
    expect(c.node(1).lastLogIndex).to.equal(0);
  });

  it('§5.3 proposals made together are persisted, then travel in one AppendEntries per follower', () => {
    const c = new TestCluster(3);
    c.elect(0);
    const before = c.requestsDelivered;
    const first = c.propose(0, bytesOf(0));
    expect(first).to.deep.include({ index: 1, term: 1, isLeader: true });
    expect(kinds(first.effects)).to.deep.equal(['setTimer', 'persist']);
    for (let k = 1; k < 12; k++) {
      const result = c.propose(0, bytesOf(k));
      expect(result.index).to.equal(k + 1);
      expect(kinds(result.effects)).to.deep.equal(['persist']); // the batch timer is already set
    }
    const batch = c.fire(0, 'replicate');
    expect(sent(batch).map((m) => (m as AppendEntries).entries.length)).to.deep.equal([12, 12]);
    c.deliverAll();
    expect(c.node(0).commitIndex).to.equal(12);
    c.tick(); // the batch timer tells the followers the new commit index
    for (let i = 0; i < 3; i++) {
      expect(c.appliedIndexes(i)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    }
    expect(c.requestsDelivered - before).to.be.at.most(6); // lab Count3B allows 42
  });

  it('§5.3 the caller may reuse its command array: the log keeps its own copy', () => {
    const c = new TestCluster(1);
    c.fire(0, 'election');
    const command = bytesOf(1, 2);
    c.propose(0, command);
    command[0] = 99;
    expect(c.node(0).entryAt(1)?.command).to.deep.equal(bytesOf(1, 2));
  });

  it('§5.3 an entry on a majority commits; a lagging follower catches up and applies in order', () => {
    const c = new TestCluster(3);
    c.elect(0);
    c.disconnect(2);
    for (let k = 0; k < 3; k++) c.propose(0, bytesOf(k));
    c.tick();
    c.tick();
    expect(c.appliedIndexes(0)).to.deep.equal([1, 2, 3]);
    expect(c.appliedIndexes(1)).to.deep.equal([1, 2, 3]);
    expect(c.appliedIndexes(2)).to.deep.equal([]);
    c.connect(2);
    c.tick();
    c.tick();
    expect(c.appliedIndexes(2)).to.deep.equal([1, 2, 3]);
  });

  it('Figure 2 AppendEntries 2: no entry at prevLogIndex → reject with XTerm 0 and XLen', () => {
    const node = follower();
    node.message(0, append(1, [0, 0], entries(1, 1)));
    const [reply] = sent(node.message(0, append(1, [5, 1], [])));
    expect(reply).to.deep.equal({
      type: 'AppendEntriesReply',
      term: 1,
      success: false,
      prevLogIndex: 5,
      xTerm: 0,
      xIndex: 0,
      xLen: 3,
    });
  });

  it('Figure 2 AppendEntries 2: another term at prevLogIndex → reject with XTerm and its first index', () => {
    const node = follower();
    node.message(0, append(2, [0, 0], entries(1, 2, 2, 2)));
    const [reply] = sent(node.message(2, append(3, [4, 3], [])));
    expect(reply).to.deep.include({ success: false, xTerm: 2, xIndex: 2, xLen: 5 });
  });

  it('Figure 2 AppendEntries 3: a conflicting entry and all that follow it are deleted', () => {
    const node = follower();
    node.message(0, append(2, [0, 0], entries(1, 1, 2, 2)));
    node.message(2, append(3, [2, 1], entries(3)));
    expect(termsOf(node)).to.deep.equal([1, 1, 3]);
  });

  it('Figure 2 AppendEntries 4: present entries stay, so a late duplicate never cuts the log', () => {
    const node = follower();
    node.message(0, append(1, [0, 0], entries(1, 1, 1)));
    const effects = node.message(0, append(1, [0, 0], entries(1)));
    expect(node.lastLogIndex).to.equal(3);
    expect(kinds(effects)).to.not.include('persist'); // nothing changed
    expect(sent(effects)[0]).to.deep.include({ success: true, matchIndex: 1 });
  });

  it('Figure 2 AppendEntries 5: commitIndex = min(leaderCommit, index of last new entry)', () => {
    const node = follower();
    node.message(0, append(1, [0, 0], entries(1, 1, 1, 1, 1)));
    node.message(0, append(1, [2, 1], [], 5));
    expect(node.commitIndex).to.equal(2); // entries 3..5 were not vouched for by this request
    node.message(0, append(1, [1, 1], entries(1, 1, 1), 9));
    expect(node.commitIndex).to.equal(4);
  });

  it('Figure 2: persistent state is saved before the reply, and applies follow in index order', () => {
    const node = follower();
    const effects = node.message(0, append(1, [0, 0], entries(1, 1), 2));
    const visible = kinds(effects).filter((k) => k !== 'note');
    expect(visible).to.deep.equal(['setTimer', 'persist', 'apply', 'apply', 'send']);
    const applied = effects.flatMap((e) => (e.kind === 'apply' ? [e.message] : []));
    expect(applied.map((m) => (m.commandValid ? m.commandIndex : -1))).to.deep.equal([1, 2]);
    expect(applied[0]).to.deep.include({
      commandValid: true,
      snapshotValid: false,
      commandTerm: 1,
    });
  });

  /**
   * A deposed leader with 20 stray entries of term 1 rejoins a leader of term 2 holding 6; with
   * `duplicate`, every reply reaches the leader twice, the copy one message later.
   */
  function rejoinDivergent(
    backup: BackupPolicy,
    maxEntriesPerAppend = 128,
    duplicate = false,
  ): { rejections: number; probes: number[] } {
    const c = new TestCluster(3, 1, { backup, maxEntriesPerAppend });
    c.elect(0);
    c.propose(0, bytesOf(1));
    c.tick();
    c.disconnect(0);
    for (let k = 0; k < 20; k++) c.propose(0, bytesOf(k));
    c.elect(1);
    for (let k = 0; k < 5; k++) c.propose(1, bytesOf(100 + k));
    c.tick();
    c.connect(0);
    c.inFlight.length = 0;
    c.fire(1, 'heartbeat');
    let rejections = 0;
    const probes: number[] = [];
    const copies = new Set<unknown>();
    for (let steps = 0; c.inFlight.length > 0; steps++) {
      expect(steps, 'messages delivered').to.be.below(1000);
      const flight = c.inFlight[0];
      if (flight?.message.type === 'AppendEntriesReply' && !flight.message.success) rejections++;
      if (flight?.message.type === 'AppendEntries' && flight.to === 0) {
        probes.push(flight.message.prevLogIndex);
      }
      if (duplicate && flight?.message.type === 'AppendEntriesReply' && !copies.has(flight)) {
        const copy = { ...flight };
        copies.add(copy);
        c.inFlight.splice(2, 0, copy);
      }
      c.deliver(0);
    }
    expect(termsOf(c.node(0))).to.deep.equal([1, 2, 2, 2, 2, 2]);
    return { rejections, probes };
  }

  it('backup policies: fast jumps to the divergence, byOne walks back, toMatch restarts at the match', () => {
    expect(rejoinDivergent('fast')).to.deep.equal({ rejections: 1, probes: [6, 1] });
    expect(rejoinDivergent('byOne')).to.deep.equal({ rejections: 5, probes: [6, 5, 4, 3, 2, 1] });
    // Nothing acknowledged yet in term 2: back to the start, resending entry 1 it already holds.
    expect(rejoinDivergent('toMatch')).to.deep.equal({ rejections: 1, probes: [6, 0] });
  });

  it('a duplicated or late rejection starts no second walk back (no storm under duplication)', () => {
    for (const backup of ['fast', 'byOne', 'toMatch'] as const) {
      const once = rejoinDivergent(backup, 1).probes;
      const twice = rejoinDivergent(backup, 1, true).probes;
      expect(twice, backup).to.deep.equal(once);
    }
  });

  it('§5.3 fast backup: the leader skips a whole conflicting term in one round trip', () => {
    const c = new TestCluster(3);
    c.elect(0);
    c.propose(0, bytesOf(1));
    c.tick();
    c.disconnect(0); // the old leader piles up 20 entries of term 1 that never commit
    for (let k = 0; k < 20; k++) c.propose(0, bytesOf(k));
    c.elect(1);
    for (let k = 0; k < 5; k++) c.propose(1, bytesOf(100 + k));
    c.tick();
    expect(c.node(1).commitIndex).to.equal(6);
    c.connect(0);
    c.inFlight.length = 0;
    c.fire(1, 'heartbeat');
    let rejections = 0;
    while (c.inFlight.length > 0) {
      const flight = c.inFlight[0];
      if (flight?.message.type === 'AppendEntriesReply' && !flight.message.success) rejections++;
      c.deliver(0);
    }
    expect(rejections).to.equal(1);
    expect(termsOf(c.node(0))).to.deep.equal([1, 2, 2, 2, 2, 2]);
  });

  it('§5.4.2 a leader never commits an entry of an earlier term by counting replicas (Figure 8)', () => {
    const c = new TestCluster(3);
    c.elect(0);
    c.disconnect(1);
    c.disconnect(2);
    c.propose(0, bytesOf(1)); // index 1, term 1, only on node 0
    c.tick();
    c.elect(1); // term 2: node 1 is cut off, so it stays a candidate
    c.connect(1);
    c.elect(1); // term 3: node 0 steps down but refuses (its log is more up to date)
    expect(c.leaders()).to.deep.equal([]);
    c.elect(0); // term 4: wins with node 1
    expect(c.leaders()).to.deep.equal([0]);
    expect(c.node(0).term).to.equal(4);
    c.tick();
    expect(c.node(1).termAt(1)).to.equal(1); // on a majority now...
    expect(c.node(0).commitIndex).to.equal(0); // ...yet not committed
    c.propose(0, bytesOf(2));
    c.tick();
    expect(c.node(0).commitIndex).to.equal(2); // committed together with a term-4 entry
    expect(c.appliedIndexes(0)).to.deep.equal([1, 2]);
  });

  it('heartbeats: one empty AppendEntries per follower per interval, re-armed each time', () => {
    const c = new TestCluster(3);
    c.elect(0);
    expect(c.timers[0]?.get('heartbeat')).to.equal(100_000);
    const effects = c.fire(0, 'heartbeat');
    expect(sent(effects).map((m) => (m as AppendEntries).entries.length)).to.deep.equal([0, 0]);
    expect(c.timers[0]?.get('heartbeat')).to.equal(100_000);
  });

  it('late and duplicated replies are harmless: nothing is resent and nothing moves back', () => {
    const c = new TestCluster(3);
    c.elect(0);
    c.propose(0, bytesOf(1));
    c.fire(0, 'replicate');
    c.deliver(0); // AppendEntries to node 1
    const reply = c.inFlight.find((f) => f.from === 1)?.message;
    c.deliverAll();
    expect(c.node(0).progressOf(1)).to.deep.equal({ nextIndex: 2, matchIndex: 1 });
    expect(reply).to.not.equal(undefined);
    const again = c.node(0).message(1, reply as RaftMessage);
    expect(again).to.deep.equal([]);
    const stale = c.node(0).message(1, {
      type: 'AppendEntriesReply',
      term: term(1),
      success: false,
      prevLogIndex: logIndex(0),
      xTerm: term(0),
      xIndex: logIndex(0),
      xLen: logIndex(1),
    });
    expect(stale).to.deep.equal([]);
    expect(c.node(0).progressOf(1)).to.deep.equal({ nextIndex: 2, matchIndex: 1 });
  });
});
