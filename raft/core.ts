import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { assert, fail, unreachable } from './assert.js';
import type { Effect } from './contract.js';
import { RaftLog } from './log.js';
import type { RaftMessage } from './messages.js';
import type { BrokenBuild } from './mutants.js';
import type { RaftOptions } from './options.js';
import type { PersistentState } from './persist.js';
import {
  ELECTION_TIMER,
  HEARTBEAT_TIMER,
  NO_REJECTION,
  type Progress,
  REPLICATE_TIMER,
  type RoleState,
} from './roles.js';
import { SaveTracker } from './save-tracker.js';
import { type ApplyMsg, type LogIndex, type NodeId, type Term, logIndex, term } from './types.js';

export type RaftEffect = Effect<RaftMessage, ApplyMsg>;

export interface CoreInit extends PersistentState {
  readonly id: NodeId;
  readonly nodes: number;
  readonly seed: number;
  readonly snapshot: Uint8Array;
  readonly options: RaftOptions;
  /** A deliberately broken build (raft/mutants.ts), or null for the correct Raft. */
  readonly mutant: BrokenBuild | null;
}

/**
 * The state of one Raft node and the transitions every role shares. The handlers in
 * vote.ts, election.ts, follower.ts and leader.ts change it through these methods; node.ts owns
 * the entry points. Effects collect in `out` during one input: whatever persistent state changed
 * is persisted before the first send or apply that follows the change, and at the end.
 */
export class Core {
  readonly id: NodeId;
  readonly nodes: number;
  readonly peers: readonly NodeId[];
  readonly options: RaftOptions;
  readonly mutant: BrokenBuild | null;
  // invariant: never decreases.
  currentTerm: Term;
  // invariant: set at most once per term; cleared only when currentTerm grows.
  votedFor: NodeId | null;
  readonly log: RaftLog;
  // invariant: the service's state through log.snapshotIndex (empty when that is 0).
  snapshot: Uint8Array;
  // invariant: log.snapshotIndex <= lastApplied <= commitIndex <= log.lastIndex; both only grow.
  commitIndex: LogIndex;
  lastApplied: LogIndex;
  role: RoleState = { kind: 'follower', leader: null };
  private readonly rng: RandomGenerator;
  private out: RaftEffect[] = [];
  private readonly saves: SaveTracker;

  constructor(init: CoreInit) {
    this.id = init.id;
    this.nodes = init.nodes;
    this.peers = Array.from({ length: init.nodes }, (_, i) => i as NodeId).filter(
      (i) => i !== init.id,
    );
    this.options = init.options;
    this.mutant = init.mutant;
    this.currentTerm = init.currentTerm;
    this.votedFor = init.votedFor;
    this.log = new RaftLog(init.snapshotIndex, init.snapshotTerm, init.entries);
    this.snapshot = init.snapshot;
    // The service restores the saved snapshot itself on restart, so it has seen everything the
    // snapshot covers: start applying right after it.
    // mutant Z17: both restart at 0, as if the restored snapshot had not been seen.
    const restored = init.mutant === 'Z17' ? logIndex(0) : init.snapshotIndex;
    this.commitIndex = restored;
    this.lastApplied = restored;
    this.saves = new SaveTracker(this);
    this.rng = xoroshiro128plus(init.seed | 0);
    // A small seed leaves xoroshiro's first outputs weakly mixed: warm it up.
    for (let i = 0; i < 8; i++) this.rng.next();
  }

  // ---- effects --------------------------------------------------------------------------

  /** Hands over the effects of the input just handled, persisting any change first. */
  drain(): RaftEffect[] {
    this.flushPersist();
    const effects = this.out;
    this.out = [];
    return effects;
  }

  send(to: NodeId, message: RaftMessage): void {
    if (to === this.id) fail(`node ${this.id} sends to itself`);
    this.flushPersist();
    this.out.push({ kind: 'send', to, message });
  }

  setTimer(name: string, afterMicros: number): void {
    this.out.push({ kind: 'setTimer', name, afterMicros });
  }

  cancelTimer(name: string): void {
    this.out.push({ kind: 'cancelTimer', name });
  }

  note(text: string): void {
    this.out.push({ kind: 'note', text });
  }

  /** A persist effect if currentTerm, votedFor, the log or the snapshot changed since the last. */
  private flushPersist(): void {
    const save = this.saves.due();
    if (save === null) return;
    this.out.push({ kind: 'persist', raftState: save.raftState, snapshot: save.snapshot });
  }

  // ---- role changes ---------------------------------------------------------------------

  /** §5.1: a higher term makes any node a follower of it; `leader` if it is already known. */
  becomeFollower(newTerm: Term, leader: NodeId | null): void {
    if (newTerm < this.currentTerm)
      fail(`becomeFollower(${newTerm}) below term ${this.currentTerm}`);
    const before = this.role.kind;
    if (newTerm > this.currentTerm) {
      this.currentTerm = newTerm;
      this.votedFor = null;
    }
    this.role = { kind: 'follower', leader };
    if (before === 'leader') {
      this.cancelTimer(HEARTBEAT_TIMER);
      this.cancelTimer(REPLICATE_TIMER);
      // A leader has no election timer pending; followers and candidates always have one.
      this.armElectionTimer();
    }
    this.note(`follower term ${this.currentTerm}`);
  }

  /** §5.2: a new term, a vote for itself, and a fresh election timeout. */
  becomeCandidate(): void {
    if (this.role.kind === 'leader') fail(`leader ${this.id} starts an election`);
    this.currentTerm = term(this.currentTerm + 1);
    this.votedFor = this.id;
    this.role = { kind: 'candidate', votes: new Set([this.id]) };
    this.armElectionTimer();
    this.note(`candidate term ${this.currentTerm}`);
  }

  /** §5.2: won the election. nextIndex starts after the leader's log (Figure 2). */
  becomeLeader(): void {
    if (this.role.kind !== 'candidate') fail(`becomeLeader from ${this.role.kind}`);
    if (this.votedFor !== this.id) fail(`leader ${this.id} did not vote for itself`);
    // mutant Z01: the candidate trusts its own miscount, so this check is not made.
    if (this.mutant !== 'Z01') {
      assert(this.hasMajority(this.role.votes.size), `leader without a majority of votes`);
    }
    const next = logIndex(this.log.lastIndex + 1);
    const progress = Array.from({ length: this.nodes }, (): Progress => ({
      nextIndex: next,
      matchIndex: logIndex(0),
      commitSent: logIndex(0),
      rejectedFloor: NO_REJECTION,
    }));
    this.role = { kind: 'leader', progress, replicatePending: false };
    this.cancelTimer(ELECTION_TIMER);
    this.note(`leader term ${this.currentTerm}`);
  }

  armElectionTimer(): void {
    if (this.role.kind === 'leader') fail(`leader ${this.id} arms an election timer`);
    const { electionTimeoutMinMicros: min, electionTimeoutMaxMicros: max } = this.options;
    this.setTimer(ELECTION_TIMER, uniformInt(this.rng, min, max));
  }

  hasMajority(count: number): boolean {
    // build S08: half the cluster taken for a majority (the same on an odd cluster).
    return this.mutant === 'S08' ? count * 2 >= this.nodes : count * 2 > this.nodes;
  }

  // ---- commit and apply -----------------------------------------------------------------

  /** Raises commitIndex (never lowers it) and applies every newly committed entry in order. */
  commitThrough(index: LogIndex): void {
    if (index > this.log.lastIndex) fail(`commit ${index} past the log end ${this.log.lastIndex}`);
    if (index <= this.commitIndex) return;
    this.commitIndex = index;
    // mutant Z18: only the newly committed last entry is applied; those before it are skipped.
    if (this.mutant === 'Z18') this.lastApplied = logIndex(index - 1);
    while (this.lastApplied < this.commitIndex) {
      const next = logIndex(this.lastApplied + 1);
      const entry = this.log.entry(next);
      if (entry === undefined)
        fail(`apply ${next}: entry missing (snapshot ${this.log.snapshotIndex})`);
      this.lastApplied = next;
      this.apply({
        commandValid: true,
        command: entry.command,
        commandIndex: next,
        commandTerm: entry.term,
        snapshotValid: false,
      });
    }
  }

  /**
   * §7: a leader's snapshot past everything committed here replaces that prefix of the log. The
   * suffix survives if it follows the snapshot's last entry; the service gets the snapshot.
   */
  installSnapshot(index: LogIndex, snapshotTerm: Term, data: Uint8Array): void {
    // mutant Z15: any snapshot is installed, so this check is not made.
    if (this.mutant !== 'Z15') {
      if (index <= this.commitIndex)
        fail(`snapshot ${index} does not pass commit ${this.commitIndex}`);
    }
    if (this.log.termAt(index) === snapshotTerm) this.log.compactThrough(index);
    else this.log.resetTo(index, snapshotTerm);
    this.snapshot = data;
    this.saves.snapshotChanged();
    this.commitIndex = index;
    this.lastApplied = index;
    this.apply({
      commandValid: false,
      snapshotValid: true,
      snapshot: data.slice(),
      snapshotTerm,
      snapshotIndex: index,
    });
  }

  /** The service's own snapshot through `index` (already applied): trim the log to it. */
  compact(index: LogIndex, data: Uint8Array): void {
    if (index > this.lastApplied) fail(`compact ${index} past lastApplied ${this.lastApplied}`);
    // mutant Z16: an off-by-one records the term after `index` (the current term at the end).
    const slipped =
      this.mutant === 'Z16' ? (this.log.termAt(index + 1) ?? this.currentTerm) : undefined;
    this.log.compactThrough(index, slipped);
    this.snapshot = data;
    this.saves.snapshotChanged();
  }

  private apply(message: ApplyMsg): void {
    this.flushPersist();
    this.out.push({ kind: 'apply', message });
  }

  /** Restates the invariants written beside the fields; called after every input. */
  checkInvariants(): void {
    const { log } = this;
    if (log.snapshotIndex > this.lastApplied) fail(`snapshot ${log.snapshotIndex} > lastApplied`);
    if (this.lastApplied > this.commitIndex) fail(`lastApplied ${this.lastApplied} > commit`);
    if (this.commitIndex > log.lastIndex)
      fail(`commit ${this.commitIndex} > last ${log.lastIndex}`);
    if (log.lastTerm > this.currentTerm)
      fail(`log term ${log.lastTerm} > term ${this.currentTerm}`);
    const role = this.role;
    switch (role.kind) {
      case 'follower':
        return;
      case 'candidate':
      case 'leader':
        if (this.votedFor !== this.id) fail(`${role.kind} ${this.id} voted for ${this.votedFor}`);
        return;
      default:
        unreachable(role);
    }
  }
}
