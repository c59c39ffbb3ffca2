import { expect } from 'chai';
import { RaftInvariantError } from './assert.js';
import type { RaftEffect } from './core.js';
import type { RaftMessage } from './messages.js';
import type { MutantId } from './mutants.js';
import { RaftNode } from './node.js';
import { type PersistentState, decodeState, encodeState } from './persist.js';
import { bytesOf, requestVote } from './testkit.js';
import { type ApplyMsg, logIndex, nodeId, term } from './types.js';

/**
 * Each mutant of the bug zoo, in the situation the zoo describes, against the correct build:
 * the same inputs, and the two builds part ways exactly where the bug lives. Every test would
 * fail if the mutant's guard were removed (the broken build would then behave correctly).
 */

type Build = MutantId | null;

/** One node driven by hand; it keeps what it persisted, to read back as the disk. */
class Probe {
  node: RaftNode;
  private saved: { raftState: Uint8Array; snapshot: Uint8Array } = {
    raftState: new Uint8Array(0),
    snapshot: new Uint8Array(0),
  };

  constructor(
    readonly build: Build,
    readonly id = 2,
    readonly nodes = 3,
  ) {
    this.node = this.boot();
  }

  message(from: number, message: RaftMessage): readonly RaftEffect[] {
    return this.keep(this.node.message(from, message));
  }

  timer(name: string): readonly RaftEffect[] {
    return this.keep(this.node.timer(name));
  }

  propose(command: Uint8Array): void {
    this.keep(this.node.propose(command).effects);
  }

  /** The persistent state as saved on disk. */
  get disk(): PersistentState {
    return decodeState(this.saved.raftState, this.saved.snapshot, this.nodes);
  }

  private boot(): RaftNode {
    const context = { id: this.id, nodes: this.nodes, ...this.saved, seed: 7 };
    const node = new RaftNode(context, {}, this.build);
    this.node = node;
    this.keep(node.start());
    return node;
  }

  private keep(effects: readonly RaftEffect[]): readonly RaftEffect[] {
    for (const effect of effects) {
      if (effect.kind !== 'persist') continue;
      this.saved.raftState = effect.raftState;
      this.saved.snapshot = effect.snapshot ?? new Uint8Array(0); // a save replaces both
    }
    return effects;
  }
}

function granted(t: number): RaftMessage {
  return { type: 'RequestVoteReply', term: term(t), voteGranted: true };
}

/** AppendEntries with one entry per listed term; entry k carries the byte k. */
function append(t: number, prev: number, prevTerm: number, terms: number[], commit = 0) {
  return {
    type: 'AppendEntries',
    term: term(t),
    prevLogIndex: logIndex(prev),
    prevLogTerm: term(prevTerm),
    entries: terms.map((entryTerm, k) => ({
      term: term(entryTerm),
      command: bytesOf(prev + 1 + k),
    })),
    leaderCommit: logIndex(commit),
  } as const;
}

function appendOk(t: number, prev: number, match: number): RaftMessage {
  const at = logIndex;
  return {
    type: 'AppendEntriesReply',
    term: term(t),
    success: true,
    prevLogIndex: at(prev),
    matchIndex: at(match),
  };
}

const replies = (effects: readonly RaftEffect[]): RaftMessage[] =>
  effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []));
const voteGrantedIn = (effects: readonly RaftEffect[]): boolean =>
  replies(effects).some((m) => m.type === 'RequestVoteReply' && m.voteGranted);
const appendAccepted = (effects: readonly RaftEffect[]): boolean =>
  replies(effects).some((m) => m.type === 'AppendEntriesReply' && m.success);
const applies = (effects: readonly RaftEffect[]): ApplyMsg[] =>
  effects.flatMap((e) => (e.kind === 'apply' ? [e.message] : []));
const electionArmed = (effects: readonly RaftEffect[]): boolean =>
  effects.some((e) => e.kind === 'setTimer' && e.name === 'election');

/** Node 0 of three, leader of term 1 with one entry, then re-elected in term 3 without it committed. */
function reelected(build: Build): Probe {
  const p = new Probe(build, 0);
  p.timer('election');
  p.message(1, granted(1));
  p.propose(bytesOf(1));
  p.message(1, requestVote(2, 1, 1)); // deposed; votes for node 1
  p.timer('election');
  p.message(2, granted(3));
  expect(p.node.role).to.equal('leader');
  return p;
}

describe('the bug zoo: each mutant against the correct build', () => {
  it('Z01 a grant delivered twice counts twice: self + one voter twice leads five nodes', () => {
    const role = (build: Build) => {
      const p = new Probe(build, 0, 5);
      p.timer('election');
      p.message(1, granted(1));
      p.message(1, granted(1));
      return p.node.role;
    };
    expect(role(null)).to.equal('candidate');
    expect(role('Z01')).to.equal('leader');
  });

  it('Z02 the grant leaves before the vote is on disk: a crash then would forget it', () => {
    const diskWhenGranted = (build: Build) => {
      const p = new Probe(build);
      const effects = p.message(0, requestVote(1));
      const grant = effects.findIndex((e) => e.kind === 'send');
      const saved = effects.slice(0, grant).filter((e) => e.kind === 'persist');
      const last = saved[saved.length - 1];
      if (last?.kind !== 'persist') return null;
      return decodeState(last.raftState, new Uint8Array(0), 3).votedFor;
    };
    expect(diskWhenGranted(null)).to.equal(0);
    expect(diskWhenGranted('Z02')).to.equal(null);
  });

  it('Z03 a candidate of a high term with a log of an older last term wins the vote', () => {
    const vote = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(2, 0, 0, [1, 2]));
      return voteGrantedIn(p.message(1, requestVote(3, 3, 1)));
    };
    expect(vote(null)).to.equal(false);
    expect(vote('Z03')).to.equal(true);
  });

  it('Z04 a stale heartbeat drops the term and forgets the vote, so a second candidate wins it', () => {
    const after = (build: Build) => {
      const p = new Probe(build, 4, 5);
      p.message(0, requestVote(2)); // votes for 0 in term 2
      p.message(1, append(1, 0, 0, [])); // the deposed leader of term 1, late
      const termAfterStale = p.node.term;
      return { termAfterStale, second: voteGrantedIn(p.message(2, requestVote(2))) };
    };
    expect(after(null)).to.deep.equal({ termAfterStale: 2, second: false });
    expect(after('Z04')).to.deep.equal({ termAfterStale: 1, second: true });
  });

  it('Z05 a refused vote and a stale heartbeat push the election timeout back', () => {
    const pushed = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(2, 0, 0, [1, 2]));
      const refused = p.message(1, requestVote(3, 1, 1)); // a candidate with a stale log
      const stale = p.message(0, append(2, 2, 2, [])); // now term 3: an old leader's heartbeat
      return [electionArmed(refused), electionArmed(stale)];
    };
    expect(pushed(null)).to.deep.equal([false, false]);
    expect(pushed('Z05')).to.deep.equal([true, true]);
  });

  it('Z06 a heartbeat past the log end is acknowledged, and the commit moves up to the log end', () => {
    const heartbeat = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(1, 0, 0, [1]));
      const accepted = appendAccepted(p.message(1, append(2, 3, 2, [], 3)));
      return { accepted, commit: p.node.commitIndex };
    };
    expect(heartbeat(null)).to.deep.equal({ accepted: false, commit: 0 });
    expect(heartbeat('Z06')).to.deep.equal({ accepted: true, commit: 1 });
  });

  it('Z07 a late copy of an older AppendEntries cuts entries already acknowledged', () => {
    const last = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(1, 0, 0, [1, 1])); // AE#2, acked through 2
      p.message(0, append(1, 0, 0, [1])); // AE#1, delayed
      return p.node.lastLogIndex;
    };
    expect(last(null)).to.equal(2);
    expect(last('Z07')).to.equal(1);
  });

  it("Z08 a deposed leader's AppendEntries overwrites the log", () => {
    const termAt1 = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(1, 0, 0, [1]));
      p.message(1, requestVote(3, 1, 1)); // term 3 now
      p.message(0, append(2, 0, 0, [2])); // node 0 led term 2, and missed term 3
      return p.node.termAt(1);
    };
    expect(termAt1(null)).to.equal(1);
    expect(termAt1('Z08')).to.equal(2);
  });

  it('Z09 a success reply from an earlier stint as leader raises matchIndex', () => {
    const match = (build: Build) => {
      const p = reelected(build);
      p.message(2, appendOk(1, 0, 1)); // answers a term-1 request
      return p.node.progressOf(2)?.matchIndex;
    };
    expect(match(null)).to.equal(0);
    expect(match('Z09')).to.equal(1);
  });

  it('Z10 an entry of an earlier term commits once a majority holds it (Figure 8)', () => {
    const commit = (build: Build) => {
      const p = reelected(build);
      p.message(2, appendOk(3, 0, 1));
      return p.node.commitIndex;
    };
    expect(commit(null)).to.equal(0);
    expect(commit('Z10')).to.equal(1);
  });

  it('Z11 the commit index is the most common matchIndex, not the majority one', () => {
    const commit = (build: Build) => {
      const p = new Probe(build, 0);
      p.timer('election');
      p.message(1, granted(1));
      p.propose(bytesOf(1));
      p.propose(bytesOf(2));
      p.message(1, appendOk(1, 0, 1)); // matchIndexes 2 (leader), 1, 0: all distinct
      return p.node.commitIndex;
    };
    expect(commit(null)).to.equal(1);
    expect(commit('Z11')).to.equal(2);
  });

  it('Z12 the commit reaches a stale tail that the short AppendEntries never vouched for', () => {
    const commit = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(1, 0, 0, [1, 1, 1])); // a deposed leader's tail
      p.message(1, append(2, 0, 0, [1], 3)); // the new leader's first entry only, commit 3
      return p.node.commitIndex;
    };
    expect(commit(null)).to.equal(1);
    expect(commit('Z12')).to.equal(3);
  });

  it('Z13 a vote in a new term, with no log change, leaves the old term on disk', () => {
    const disk = (build: Build) => {
      const p = new Probe(build);
      p.message(1, requestVote(5));
      const { currentTerm, votedFor } = p.disk;
      return { currentTerm, votedFor };
    };
    expect(disk(null)).to.deep.equal({ currentTerm: 5, votedFor: 1 });
    expect(disk('Z13')).to.deep.equal({ currentTerm: 0, votedFor: 1 });
  });

  it('Z14 a truncation that leaves the log shorter is not saved', () => {
    const diskTerms = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(1, 0, 0, [1, 1, 1]));
      p.message(1, append(2, 3, 1, [])); // the new leader of term 2
      p.message(1, append(2, 1, 1, [2])); // its entry 2 replaces entries 2 and 3
      expect(p.node.lastLogIndex).to.equal(2);
      return p.disk.entries.map((e) => e.term);
    };
    expect(diskTerms(null)).to.deep.equal([1, 2]);
    expect(diskTerms('Z14')).to.deep.equal([1, 1, 1]);
  });

  it('Z15 a late InstallSnapshot below the commit index rolls the state back', () => {
    const after = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(1, 0, 0, [1, 1, 1], 3));
      const snapshot = {
        type: 'InstallSnapshot',
        term: term(1),
        lastIncludedIndex: logIndex(2),
        lastIncludedTerm: term(1),
        data: bytesOf(2),
      } as const;
      const effects = p.message(0, snapshot);
      return { commit: p.node.commitIndex, snapshotsApplied: applies(effects).length };
    };
    expect(after(null)).to.deep.equal({ commit: 3, snapshotsApplied: 0 });
    expect(after('Z15')).to.deep.equal({ commit: 2, snapshotsApplied: 1 });
  });

  it('Z16 a snapshot of the last entry records the current term, not the entry’s', () => {
    const recorded = (build: Build) => {
      const p = new Probe(build);
      p.message(0, append(1, 0, 0, [1, 1], 2));
      p.message(1, requestVote(3, 2, 1)); // term 3, no entry of it yet
      p.node.snapshot(2, bytesOf(9));
      return p.node.snapshotTerm;
    };
    expect(recorded(null)).to.equal(1);
    expect(recorded('Z16')).to.equal(3);
  });

  it('Z17 a restart with a snapshot starts applying from 0, not after the snapshot', () => {
    const snapshot = bytesOf(9, 9);
    const state: PersistentState = {
      currentTerm: term(1),
      votedFor: nodeId(0),
      snapshotIndex: logIndex(2),
      snapshotTerm: term(1),
      entries: [{ term: term(1), command: bytesOf(3) }],
    };
    const boot = (build: Build) =>
      new RaftNode(
        { id: 1, nodes: 3, raftState: encodeState(state, snapshot), snapshot, seed: 1 },
        {},
        build,
      );
    const correct = boot(null);
    correct.start();
    expect([correct.lastApplied, correct.commitIndex]).to.deep.equal([2, 2]);
    const broken = boot('Z17');
    expect([broken.lastApplied, broken.commitIndex]).to.deep.equal([0, 0]);
    expect(() => broken.start()).to.throw(RaftInvariantError, /snapshot 2 > lastApplied/);
  });

  it('Z18 a commit that jumps by three applies only its last entry', () => {
    const applied = (build: Build) => {
      const p = new Probe(build);
      const effects = p.message(0, append(1, 0, 0, [1, 1, 1], 3));
      return applies(effects).map((m) => (m.commandValid ? m.commandIndex : -1));
    };
    expect(applied(null)).to.deep.equal([1, 2, 3]);
    expect(applied('Z18')).to.deep.equal([3]);
  });
});
