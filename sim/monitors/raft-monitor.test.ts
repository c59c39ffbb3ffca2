import { expect } from 'chai';
import { violationRaised } from '../testing/violations.js';
import type { SentMessage } from './message-claims.js';
import { RaftMonitor } from './raft-monitor.js';
import type { InvariantId, RaftView, SavedView, ViolationError, Vouch } from './view.js';

/** A hand-built node state: the test sets fields, the monitor reads them. */
class FakeView implements RaftView {
  role: 'follower' | 'candidate' | 'leader' = 'follower';
  term = 0;
  votedFor: number | null = null;
  commitIndex = 0;
  lastApplied = 0;
  snapshotIndex = 0;
  snapshotTerm = 0;
  /** log[i - 1] = [term, command byte] of index i. */
  log: [number, number][] = [];
  match: number[] = [];
  /** What the node's persister holds: set by save(), read by the monitor on restart. */
  disk: SavedView | null = null;
  private changed = Infinity;

  /** Saves the node's fields as they are now: what the monitor then reads from the bytes. */
  save(): SavedView {
    this.disk = {
      term: this.term,
      votedFor: this.votedFor,
      snapshotIndex: this.snapshotIndex,
      lastLogIndex: this.lastLogIndex,
    };
    return this.disk;
  }

  get lastLogIndex(): number {
    return this.log.length;
  }
  termAt(index: number): number | undefined {
    if (index === 0) return 0;
    // The snapshot's term stands at its index, whatever the entries kept beside it say.
    if (index === this.snapshotIndex) return this.snapshotTerm;
    return this.log[index - 1]?.[0];
  }
  entryAt(index: number) {
    const e = this.log[index - 1];
    return e === undefined ? undefined : { term: e[0], command: Uint8Array.of(e[1]) };
  }
  matchIndexOf(peer: number): number {
    return this.role === 'leader' ? (this.match[peer] ?? 0) : 0;
  }
  takeLogChanges(): number {
    const c = this.changed;
    this.changed = Infinity;
    return c;
  }
  setLog(log: [number, number][], changedFrom = 1): void {
    this.log = log;
    this.changed = Math.min(this.changed, changedFrom);
  }
}

/** A reply that vouches for state leaves `from`, in the term the vouch names. */
function sendVouch(monitor: RaftMonitor, from: number, to: number, vouch: Vouch): void {
  const { term } = vouch;
  const message: SentMessage =
    vouch.kind === 'vote'
      ? { type: 'RequestVoteReply', term, voteGranted: true }
      : vouch.kind === 'append'
        ? { type: 'AppendEntriesReply', term, success: true }
        : { type: 'InstallSnapshotReply', term };
  monitor.beforeSend(from, to, message, vouch);
}

function setup(servers = 3, without: InvariantId[] = []) {
  const views: (FakeView | null)[] = Array.from({ length: servers }, () => new FakeView());
  const monitor = new RaftMonitor(
    {
      servers,
      now: () => 1000,
      eventIndex: () => 42,
      view: (node) => views[node] ?? null,
      saved: (node) => views[node]?.disk ?? null,
    },
    new Set(without),
  );
  return { views: views as FakeView[], monitor };
}

function violation(act: () => void): InvariantId | null {
  return violationRaised(act)?.invariant ?? null;
}

type Setup = ReturnType<typeof setup>;

/** Makes `node` leader of `term` the proper way: it and a majority vote for it first. */
function elect({ views, monitor }: Setup, node: number, term: number): void {
  const majority = Math.floor(views.length / 2) + 1;
  for (let k = 0; k < majority; k++) {
    const voter = (node + k) % views.length;
    Object.assign(views[voter]!, { term, votedFor: node });
    monitor.afterInput(voter);
  }
  lead(views[node]!, term);
}

/**
 * `node` handled an input and, as the Raft does, saved all it changed before the input ended:
 * only what is on a node's disk counts toward a commit.
 */
function handled({ views, monitor }: Setup, node: number): void {
  monitor.afterPersist(node, views[node]!.save());
  monitor.afterInput(node);
}

function lead(view: FakeView, term: number): void {
  view.role = 'leader';
  view.term = term;
  view.votedFor = view.votedFor ?? null;
}

/**
 * Node 0 leads term 2; node 1, in term 2, holds the same `log` and has acknowledged it through
 * `acked`. G8 (the leader's duty to commit) is off unless asked for: most setups leave
 * commitIndex where it is.
 */
function bothHoldInTerm2(
  log: [number, number][],
  acked: number,
  without: InvariantId[] = ['G8'],
): Setup {
  const s = setup(3, without);
  elect(s, 0, 2);
  s.views[0]!.setLog(log);
  s.views[1]!.setLog(log);
  s.views[1]!.term = 2;
  s.monitor.afterPersist(1, s.views[1]!.save()); // G5 sees these acknowledgements too
  sendVouch(s.monitor, 1, 0, { kind: 'append', term: 2, matchIndex: acked });
  return s;
}

/** Node 0 leads term 2; node 1 holds its one entry and has acknowledged it in term 2. */
function acknowledgedInTerm2(): Setup {
  return bothHoldInTerm2([[2, 1]], 1);
}

/** Node 0 leads term 2 and holds (1, t2) on disk; node 1 is in term 2 and holds nothing yet. */
function leaderOfTerm2WithOneEntry(): Setup {
  const s = setup();
  elect(s, 0, 2);
  s.views[0]!.setLog([[2, 7]]);
  handled(s, 0);
  s.views[1]!.term = 2;
  return s;
}

describe('RaftMonitor', () => {
  it('ES: a second leader in a term fails, even after the first stepped down', () => {
    const s = setup(5);
    const { views, monitor } = s;
    elect(s, 0, 2);
    monitor.afterInput(0);
    views[0]!.role = 'follower';
    monitor.afterInput(0);
    elect(s, 1, 3);
    expect(violation(() => monitor.afterInput(1))).to.equal(null);
    lead(views[4]!, 2);
    expect(violation(() => monitor.afterInput(4))).to.equal('ES');
  });

  it('ES: a leader without a majority of votes in its term fails (a vote counted twice)', () => {
    const { views, monitor } = setup(5);
    for (const voter of [0, 1]) {
      Object.assign(views[voter]!, { term: 4, votedFor: 0 });
      monitor.afterInput(voter);
    }
    lead(views[0]!, 4);
    expect(violation(() => monitor.afterInput(0))).to.equal('ES');
  });

  it('G3: a vote forgotten across a restart fails', () => {
    const { views, monitor } = setup();
    Object.assign(views[1]!, { term: 6, votedFor: 2 });
    monitor.afterInput(1);
    monitor.onCrash(1);
    Object.assign(views[1]!, { term: 6, votedFor: null });
    expect(violation(() => monitor.onRestart(1))).to.equal('G3');
  });

  it('G3: a restarted node must boot with what its last save holds, entries included', () => {
    const { views, monitor } = setup();
    const node = views[1]!;
    node.setLog([
      [1, 1],
      [1, 2],
    ]);
    Object.assign(node, { term: 1 });
    monitor.afterPersist(1, node.save());
    monitor.onCrash(1);
    expect(violation(() => monitor.onRestart(1))).to.equal(null);
    monitor.onCrash(1);
    node.setLog([[1, 1]]); // the restore read one entry less than was saved
    expect(violation(() => monitor.onRestart(1))).to.equal('G3');
  });

  it('CS: committing beyond what is truly committed fails (the Figure 8 commit)', () => {
    const s = setup();
    const { views } = s;
    views[1]!.setLog([[1, 7]]);
    handled(s, 1);
    elect(s, 0, 3);
    views[0]!.setLog([[1, 7]]);
    handled(s, 0);
    views[0]!.commitIndex = 1; // an old-term entry on a majority, committed by counting
    expect(violation(() => handled(s, 0))).to.equal('CS');
  });

  it('CS: an entry counts as held once a save holds it, before the input ends (a slow disk)', () => {
    const s = leaderOfTerm2WithOneEntry();
    const { views, monitor } = s;
    views[1]!.setLog([[2, 7]]);
    // Node 1 saved the entry and acknowledged it; the rest of its input waits on the disk.
    monitor.afterPersist(1, views[1]!.save());
    views[0]!.commitIndex = 1;
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
  });

  it('CS: an entry a follower holds only in memory does not count toward a commit', () => {
    // A follower that acknowledges before saving (here: it replaced its entry and never saved
    // the replacement) lets a leader commit what a crash of that follower would erase.
    const s = leaderOfTerm2WithOneEntry();
    const { views, monitor } = s;
    views[1]!.setLog([[1, 5]]);
    handled(s, 1); // its disk holds (1, t1)
    views[1]!.setLog([[2, 7]]); // replaced in memory only
    monitor.afterInput(1);
    views[0]!.commitIndex = 1;
    expect(violation(() => monitor.afterInput(0))).to.equal('CS');
    handled(s, 1); // once the follower saves, the leader's commit is true
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
  });

  it('G2: a term that goes down fails, across a restart too', () => {
    const { views, monitor } = setup();
    views[0]!.term = 5;
    monitor.afterInput(0);
    monitor.onCrash(0);
    views[0]!.term = 4;
    expect(violation(() => monitor.afterInput(0))).to.equal('G2');
  });

  it('G3: two different votes in one term fail; the same vote again is fine', () => {
    const { views, monitor } = setup();
    Object.assign(views[0]!, { term: 3, votedFor: 1 });
    monitor.afterInput(0);
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    views[0]!.votedFor = 2;
    expect(violation(() => monitor.afterInput(0))).to.equal('G3');
  });

  it('G4: commitIndex going down, or bounds out of order, fail', () => {
    const s = setup();
    const { views, monitor } = s;
    elect(s, 0, 1);
    views[1]!.setLog([
      [1, 1],
      [1, 2],
    ]);
    views[0]!.setLog([
      [1, 1],
      [1, 2],
    ]);
    handled(s, 1);
    views[0]!.commitIndex = 2;
    handled(s, 0);
    views[0]!.commitIndex = 1;
    expect(violation(() => monitor.afterInput(0))).to.equal('G4');
    const other = setup();
    other.views[0]!.setLog([[1, 1]]);
    Object.assign(other.views[0]!, { commitIndex: 0, lastApplied: 1 });
    expect(violation(() => other.monitor.afterInput(0))).to.equal('G4');
  });

  it('LM: the same (index, term) with another command, or after another term, fails', () => {
    const { views, monitor } = setup();
    views[0]!.setLog([
      [1, 10],
      [1, 11],
    ]);
    monitor.afterInput(0);
    views[1]!.setLog([
      [1, 10],
      [1, 11],
    ]);
    expect(violation(() => monitor.afterInput(1))).to.equal(null);
    views[2]!.setLog([
      [1, 10],
      [1, 99],
    ]);
    expect(violation(() => monitor.afterInput(2))).to.equal('LM');
  });

  it('LM: a snapshot that moves under a kept entry is checked against that entry', () => {
    // Commit bounds are not this test's business: a snapshot past the commit index is G4's.
    const { views, monitor } = setup(3, ['G4', 'CS']);
    // Node 1 holds 2 of term 2 after 1 of term 2 (the leader's log); node 0 a stale tail.
    views[1]!.setLog([
      [2, 10],
      [2, 11],
    ]);
    monitor.afterInput(1);
    views[0]!.setLog([
      [1, 20],
      [1, 21],
    ]);
    monitor.afterInput(0);
    // A correct compaction through 1 keeps what entry 2 follows: nothing to see.
    Object.assign(views[1]!, { snapshotIndex: 1, snapshotTerm: 2 });
    expect(violation(() => monitor.afterInput(1))).to.equal(null);
    // Node 0 takes the leader's snapshot through 1 but keeps its own entry 2 after it: that
    // entry, (2, term 1), now follows term 2 here and term 1 where it was first seen.
    Object.assign(views[0]!, { snapshotIndex: 1, snapshotTerm: 2 });
    expect(violation(() => monitor.afterInput(0))).to.equal('LM');
  });

  /** A monitor that has seen node 0 in `term`. */
  function nodeInTerm(term: number) {
    const s = setup();
    s.views[0]!.term = term;
    s.monitor.afterInput(0);
    return s;
  }

  it('G2: a node that handled a message of a higher term must hold that term after it', () => {
    const { views, monitor } = nodeInTerm(2);
    monitor.beforeDeliver(0, 3);
    views[0]!.term = 3;
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    monitor.beforeDeliver(0, 2); // an older term: nothing to adopt
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    monitor.beforeDeliver(0, 4);
    expect(violation(() => monitor.afterInput(0))).to.equal('G2');
  });

  it('G2: every message a node sends carries its current term', () => {
    const { monitor } = nodeInTerm(3);
    const reply = (term: number): SentMessage => ({ type: 'InstallSnapshotReply', term });
    const send = (term: number) => violation(() => monitor.beforeSend(0, 1, reply(term), null));
    expect(send(3)).to.equal(null);
    // A refusal of a stale request that echoes the request's term, not the node's newer one.
    expect(send(2)).to.equal('G2');
    expect(send(4)).to.equal('G2');
  });

  it('G2: an input cut short by a crash is not judged for the term it was handling', () => {
    const { monitor } = nodeInTerm(2);
    monitor.beforeDeliver(0, 5);
    monitor.onCrash(0);
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
  });

  it('LAO: a leader that rewrites its own log in its term fails; appending is fine', () => {
    const s = setup();
    const { views, monitor } = s;
    elect(s, 0, 1);
    views[0]!.setLog([
      [1, 1],
      [1, 2],
    ]);
    monitor.afterInput(0);
    views[0]!.setLog(
      [
        [1, 1],
        [1, 2],
        [1, 3],
      ],
      3,
    );
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    views[0]!.setLog([[1, 1]], 2);
    expect(violation(() => monitor.afterInput(0))).to.equal('LAO');
  });

  it('LC: a new leader lacking a truly committed entry fails', () => {
    const s = setup();
    const { views, monitor } = s;
    elect(s, 0, 1);
    views[0]!.setLog([[1, 7]]);
    views[1]!.setLog([[1, 7]]);
    handled(s, 1);
    handled(s, 0); // held by 2 of 3 in the leader's term: committed
    expect(monitor.committedIndex).to.equal(1);
    views[0]!.role = 'follower';
    elect(s, 2, 2); // node 2 never got index 1
    expect(violation(() => monitor.afterInput(2))).to.equal('LC');
  });

  it('LC: a late leader of an earlier term may lack what a later term committed', () => {
    const s = setup(5);
    const { views, monitor } = s;
    for (const voter of [3, 4, 0]) {
      Object.assign(views[voter]!, { term: 3, votedFor: 3 }); // node 3 wins term 3 ...
      monitor.afterInput(voter);
    }
    elect(s, 0, 4); // ... but before it hears so, nodes 0, 1 and 2 move on to term 4
    for (const n of [1, 2, 0]) {
      views[n]!.setLog([[4, 7]]);
      handled(s, n);
    }
    expect(monitor.committedIndex).to.equal(1); // committed in term 4
    lead(views[3]!, 3); // the late votes arrive: node 3 leads term 3 without index 1
    expect(violation(() => monitor.afterInput(3))).to.equal(null);
    for (const n of [0, 3]) views[n]!.role = 'follower';
    elect(s, 4, 5); // a leader of a later term must hold it
    expect(violation(() => monitor.afterInput(4))).to.equal('LC');
  });

  it('LC ghost: an old-term entry on a majority is not committed by counting (Figure 8)', () => {
    const s = setup();
    const { views, monitor } = s;
    views[1]!.setLog([[1, 7]]);
    handled(s, 1);
    elect(s, 0, 3);
    views[0]!.setLog([[1, 7]]);
    handled(s, 1);
    handled(s, 0);
    expect(monitor.committedIndex).to.equal(0);
    views[0]!.setLog(
      [
        [1, 7],
        [3, 8],
      ],
      2,
    );
    views[1]!.setLog(
      [
        [1, 7],
        [3, 8],
      ],
      2,
    );
    handled(s, 1);
    handled(s, 0);
    expect(monitor.committedIndex).to.equal(2);
  });

  it('LC ghost: an old-term entry copied to a majority by a later leader is not committed', () => {
    const s = setup();
    const { views, monitor } = s;
    elect(s, 0, 1);
    views[0]!.setLog([[1, 7]]); // the leader of term 1 holds (1, t1) alone
    handled(s, 0);
    for (const n of [1, 2]) {
      Object.assign(views[n]!, { term: 3 }); // both moved on before getting it
      views[n]!.setLog([[1, 7]]);
      handled(s, n);
    }
    expect(monitor.committedIndex).to.equal(0);
  });

  it('G1: a matchIndex beyond what the follower holds fails', () => {
    const { views, monitor } = bothHoldInTerm2(
      [
        [2, 1],
        [2, 2],
      ],
      2,
    );
    views[0]!.match = [0, 2, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    // The follower acknowledged index 2 but no longer holds it (a broken follower).
    views[1]!.setLog([[2, 1]]);
    expect(violation(() => monitor.afterInput(0))).to.equal('G1');
  });

  it('G1: a matchIndex only a reply of an earlier term vouched for fails', () => {
    const s = acknowledgedInTerm2();
    const { views, monitor } = s;
    views[0]!.match = [0, 1, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    // Node 0 leads again in term 4, and counts the term-2 reply: true by luck, still unknown.
    views[0]!.role = 'follower';
    elect(s, 0, 4);
    views[0]!.match = [0, 1, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal('G1');
    // Acknowledged again in term 4 (here by a snapshot reply): now it is known.
    views[1]!.term = 4;
    monitor.afterPersist(1, views[1]!.save());
    sendVouch(monitor, 1, 0, { kind: 'snapshot', term: 4, matchIndex: 1 });
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
  });

  it('G1: a matchIndex that falls within a term fails; a new term starts afresh', () => {
    const s = bothHoldInTerm2(
      [
        [2, 1],
        [2, 2],
      ],
      2,
    );
    const { views, monitor } = s;
    views[0]!.match = [0, 2, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    // A late reply for index 1 taken as it stands: true, acknowledged, and still a loss.
    views[0]!.match = [0, 1, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal('G1');
    // Leading again in term 4, the leader knows nothing yet: 0 is no fall.
    views[0]!.role = 'follower';
    elect(s, 0, 4);
    views[0]!.match = [0, 0, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
  });

  it('G1: a follower answering in a newer term leaves what it acknowledged before standing', () => {
    const s = acknowledgedInTerm2();
    const { views, monitor } = s;
    // Node 1 moved to term 5 and answers a late term-2 snapshot: term 5, index 0.
    views[1]!.term = 5;
    monitor.afterPersist(1, views[1]!.save());
    sendVouch(monitor, 1, 0, { kind: 'snapshot', term: 5, matchIndex: 0 });
    views[0]!.match = [0, 1, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
  });

  it('G8: a leader that leaves committable entries of its term uncommitted fails', () => {
    // A majority holds index 1, of term 1: Figure 2 does not let the leader commit it alone.
    const log: [number, number][] = [
      [1, 1],
      [2, 2],
    ];
    const { views, monitor } = bothHoldInTerm2(log, 1, []);
    views[0]!.match = [0, 1, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    // Index 2, of its own term, is on a majority once node 1 acknowledges it: commit is due.
    sendVouch(monitor, 1, 0, { kind: 'append', term: 2, matchIndex: 2 });
    views[0]!.match = [0, 2, 0];
    expect(violation(() => monitor.afterInput(0))).to.equal('G8');
    views[0]!.commitIndex = 2;
    monitor.afterPersist(0, views[0]!.save()); // the ghost counts only what is on disk
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
  });

  it('G5: a vote granted before it is durable fails; after a persist it is fine', () => {
    const { views, monitor } = setup();
    Object.assign(views[0]!, { term: 4, votedFor: 2 });
    expect(
      violation(() => sendVouch(monitor, 0, 2, { kind: 'vote', term: 4, candidate: 2 })),
    ).to.equal('G5');
    monitor.afterPersist(0, views[0]!.save());
    expect(
      violation(() => sendVouch(monitor, 0, 2, { kind: 'vote', term: 4, candidate: 2 })),
    ).to.equal(null);
    expect(
      violation(() => sendVouch(monitor, 0, 1, { kind: 'append', term: 4, matchIndex: 3 })),
    ).to.equal('G5');
    expect(
      violation(() => sendVouch(monitor, 0, 1, { kind: 'snapshot', term: 4, matchIndex: 3 })),
    ).to.equal('G5');
  });

  it('G5 judges the saved bytes: a save of the new term without the vote, then the grant, fails', () => {
    // Mutant Z02 on a RequestVote that also raises the voter's term: at the end of the input
    // the node holds term 4 and the vote, but the save before the grant wrote term 4, no vote.
    const { views, monitor } = setup();
    Object.assign(views[0]!, { term: 4, votedFor: 2 });
    monitor.afterPersist(0, { term: 4, votedFor: null, snapshotIndex: 0, lastLogIndex: 0 });
    expect(
      violation(() => sendVouch(monitor, 0, 2, { kind: 'vote', term: 4, candidate: 2 })),
    ).to.equal('G5');
  });

  it('G7: a save pairs the Raft state with the snapshot of the index it names', () => {
    const { views, monitor } = setup();
    Object.assign(views[1]!, { term: 2, snapshotIndex: 5, snapshotTerm: 2 });
    const saved = views[1]!.save();
    expect(violation(() => monitor.afterPersist(1, saved, 5))).to.equal(null);
    expect(violation(() => monitor.afterPersist(1, saved, null))).to.equal(null); // not known
    // The trimmed log saved first, the service's new snapshot left for a later save.
    expect(violation(() => monitor.afterPersist(1, saved, 3))).to.equal('G7');
    expect(violation(() => monitor.afterPersist(1, saved, 0))).to.equal('G7'); // none at all
  });

  it('G5: a save that ends before the live log leaves the changes after it unsaved', () => {
    const { views, monitor } = setup();
    views[1]!.term = 2;
    views[1]!.setLog([
      [2, 1],
      [2, 2],
    ]);
    monitor.afterPersist(1, { term: 2, votedFor: null, snapshotIndex: 0, lastLogIndex: 1 });
    expect(
      violation(() => sendVouch(monitor, 1, 0, { kind: 'append', term: 2, matchIndex: 2 })),
    ).to.equal('G5');
    monitor.afterPersist(1, views[1]!.save());
    expect(
      violation(() => sendVouch(monitor, 1, 0, { kind: 'append', term: 2, matchIndex: 2 })),
    ).to.equal(null);
  });

  it('SMS after a restart starts from the saved snapshot, not from what the node claims', () => {
    // Mutant Z17 with its own restart assertion off: the node restores a snapshot through 5
    // but says it applied nothing, then applies index 1 again.
    const { views, monitor } = setup(3, ['G4']);
    const node = views[1]!;
    node.setLog([
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
      [1, 5],
    ]);
    Object.assign(node, { term: 1, snapshotIndex: 5, snapshotTerm: 1, commitIndex: 5 });
    monitor.onApply(1, { commandValid: false, snapshotValid: true, snapshotIndex: 5 });
    node.save();
    monitor.onCrash(1);
    Object.assign(node, { lastApplied: 0, commitIndex: 0 });
    monitor.onRestart(1);
    expect(violation(() => monitor.afterInput(1))).to.equal(null); // G4 is off
    const again = { commandValid: true as const, command: Uint8Array.of(1), commandIndex: 1 };
    expect(violation(() => monitor.onApply(1, again))).to.equal('SMS');
  });

  it('a monitor turned off reports nothing; the others still do', () => {
    const { views, monitor } = setup(3, ['G5']);
    Object.assign(views[0]!, { term: 4, votedFor: 2 });
    expect(
      violation(() => sendVouch(monitor, 0, 2, { kind: 'vote', term: 4, candidate: 2 })),
    ).to.equal(null);
    views[0]!.term = 3;
    expect(violation(() => monitor.afterInput(0))).to.equal(null);
    monitor.afterInput(0);
    views[0]!.term = 2;
    expect(violation(() => monitor.afterInput(0))).to.equal('G2');
  });

  it('SMS: gaps, going backwards and two commands at one index fail', () => {
    const { monitor } = setup();
    const cmd = (index: number, byte: number) => ({
      commandValid: true as const,
      command: Uint8Array.of(byte),
      commandIndex: index,
    });
    monitor.onApply(0, cmd(1, 5));
    expect(violation(() => monitor.onApply(0, cmd(3, 6)))).to.equal('SMS');
    expect(violation(() => monitor.onApply(1, cmd(1, 9)))).to.equal('SMS');
    const snap = setup().monitor;
    snap.onApply(0, { commandValid: false, snapshotValid: true, snapshotIndex: 10 });
    expect(
      violation(() =>
        snap.onApply(0, { commandValid: false, snapshotValid: true, snapshotIndex: 9 }),
      ),
    ).to.equal('SMS');
    expect(violation(() => snap.onApply(0, cmd(11, 1)))).to.equal(null);
  });

  it('a violation names the invariant, the event, the time and the nodes', () => {
    const s = setup();
    const { views, monitor } = s;
    elect(s, 0, 1);
    monitor.afterInput(0);
    lead(views[1]!, 1);
    try {
      monitor.afterInput(1);
      expect.fail('no violation');
    } catch (error) {
      const v = (error as ViolationError).violation;
      expect(v).to.deep.include({ invariant: 'ES', event: 42, t: 1000 });
      expect(v.nodes).to.deep.equal([0, 1]);
      expect(String(error)).to.match(/ES \(election safety\) violated at event #42/);
    }
  });
});
