import { fail, unreachable } from './assert.js';
import type { BootContext, Instance } from './contract.js';
import { Core, type RaftEffect } from './core.js';
import { startElection, stepCandidate } from './election.js';
import { stepFollower } from './follower.js';
import { appendCommand, broadcastAppend, replicateNow, stepLeader } from './leader.js';
import { type RaftMessage, isReply } from './messages.js';
import type { BrokenBuild } from './mutants.js';
import { type RaftOptions, resolveOptions } from './options.js';
import { CorruptStateError, type PersistentState, decodeState } from './persist.js';
import { ELECTION_TIMER, HEARTBEAT_TIMER, REPLICATE_TIMER, type Role } from './roles.js';
import { answerStale, lowerTerm, mutantTakesStale } from './stale-term.js';
import {
  type ApplyMsg,
  type Entry,
  type LogIndex,
  type NodeId,
  type Term,
  logIndex,
  nodeId,
  term,
} from './types.js';

export interface ProposeResult {
  /** Where the command will sit if it commits; 0 when this node is not the leader. */
  readonly index: LogIndex;
  readonly term: Term;
  readonly isLeader: boolean;
  readonly effects: readonly RaftEffect[];
}

const FRESH: PersistentState = {
  currentTerm: term(0),
  votedFor: null,
  snapshotIndex: logIndex(0),
  snapshotTerm: term(0),
  entries: [],
};

/**
 * One Raft node (Figure 2 of the extended paper, with §7's snapshots) as a pure state machine:
 * every input returns the effects to perform, in order, and performs none itself. The host must
 * execute them in that order: a persist always precedes the sends and applies that depend on it.
 */
export class RaftNode implements Instance<RaftMessage, ApplyMsg> {
  private readonly core: Core;
  private started = false;

  /**
   * Boots from durable state: empty raftState means a fresh node. After a restart with a
   * snapshot, commitIndex and lastApplied start at the snapshot's index, because the service
   * restores the saved snapshot itself; the first apply is the command right after it (or a
   * newer snapshot from the leader). Throws CorruptStateError if the saved bytes are damaged.
   */
  constructor(
    context: BootContext,
    options: Partial<RaftOptions> = {},
    mutant: BrokenBuild | null = null,
  ) {
    const { id, nodes } = context;
    if (!Number.isSafeInteger(nodes) || nodes < 1) throw new RangeError(`RaftNode: ${nodes} nodes`);
    if (!Number.isSafeInteger(id) || id < 0 || id >= nodes) {
      throw new RangeError(`RaftNode: id ${id} is not a node of a ${nodes}-node cluster`);
    }
    const saved = restore(context);
    this.core = new Core({
      ...saved,
      id: nodeId(id),
      nodes,
      seed: context.seed,
      snapshot: context.snapshot.slice(),
      options: resolveOptions(options),
      mutant,
    });
  }

  // ---- inputs ---------------------------------------------------------------------------

  /** Arms the first election timeout. Every node boots as a follower (§5.2). */
  start(): readonly RaftEffect[] {
    if (this.started) fail(`node ${this.core.id} started twice`);
    this.started = true;
    const core = this.core;
    core.note(`follower term ${core.currentTerm}`);
    core.armElectionTimer();
    return this.finish();
  }

  timer(name: string): readonly RaftEffect[] {
    const role = this.core.role.kind;
    if (name === ELECTION_TIMER && role !== 'leader') startElection(this.core);
    else if (name === HEARTBEAT_TIMER && role === 'leader') broadcastAppend(this.core);
    else if (name === REPLICATE_TIMER && role === 'leader') replicateNow(this.core);
    else this.core.note(`timer ${name} ignored as ${role}`);
    return this.finish();
  }

  /** Settles the term first (§5.1), then hands the message to the handler of the role. */
  message(from: number, message: RaftMessage): readonly RaftEffect[] {
    const core = this.core;
    if (!core.peers.includes(from as NodeId)) {
      core.note(`${message.type} from unknown node ${from} dropped`);
      return this.finish();
    }
    const sender = from as NodeId;
    // mutant Z04: a request of a lower term also resets the term, down to the request's.
    if (core.mutant === 'Z04' && message.term < core.currentTerm && !isReply(message)) {
      lowerTerm(core, message.term);
    }
    if (message.term > core.currentTerm) core.becomeFollower(message.term, null);
    // mutant Z05: every request, of any term, granted or not, pushes the election back.
    if (core.mutant === 'Z05' && !isReply(message) && core.role.kind !== 'leader') {
      core.armElectionTimer();
    }
    if (message.term >= core.currentTerm) this.dispatch(sender, message);
    else if (!mutantTakesStale(core, sender, message)) answerStale(core, sender, message);
    return this.finish();
  }

  /** Start(): appends on the leader and returns at once; replication follows as effects. */
  propose(command: Uint8Array): ProposeResult {
    const core = this.core;
    if (core.role.kind !== 'leader') {
      core.note(`propose ignored: ${core.role.kind} in term ${core.currentTerm}`);
      return {
        index: logIndex(0),
        term: core.currentTerm,
        isLeader: false,
        effects: this.finish(),
      };
    }
    // The caller keeps its array; the log must own an immutable copy.
    const index = appendCommand(core, command.slice());
    return { index, term: core.currentTerm, isLeader: true, effects: this.finish() };
  }

  /**
   * The service has saved its state through `index`: drop the log up to it (§7). Ignored, with a
   * note, if the index is not yet committed or is not past the current snapshot.
   */
  snapshot(index: number, snapshot: Uint8Array): readonly RaftEffect[] {
    const core = this.core;
    if (!Number.isSafeInteger(index) || index > core.commitIndex) {
      core.note(`snapshot(${index}) ignored: beyond commitIndex ${core.commitIndex}`);
    } else if (index <= core.log.snapshotIndex) {
      core.note(`snapshot(${index}) ignored: not above snapshot ${core.log.snapshotIndex}`);
    } else {
      core.compact(logIndex(index), snapshot.slice());
    }
    return this.finish();
  }

  getState(): { readonly term: Term; readonly isLeader: boolean } {
    return { term: this.core.currentTerm, isLeader: this.core.role.kind === 'leader' };
  }

  // ---- read-only views for checkers and the lab facade ----------------------------------

  get id(): NodeId {
    return this.core.id;
  }
  get role(): Role {
    return this.core.role.kind;
  }
  get term(): Term {
    return this.core.currentTerm;
  }
  get votedFor(): NodeId | null {
    return this.core.votedFor;
  }
  /** The leader this follower last heard from in its term; itself when leader; else null. */
  get leaderId(): NodeId | null {
    const role = this.core.role;
    if (role.kind === 'leader') return this.core.id;
    return role.kind === 'follower' ? role.leader : null;
  }
  get commitIndex(): LogIndex {
    return this.core.commitIndex;
  }
  get lastApplied(): LogIndex {
    return this.core.lastApplied;
  }
  get lastLogIndex(): LogIndex {
    return this.core.log.lastIndex;
  }
  get lastLogTerm(): Term {
    return this.core.log.lastTerm;
  }
  get snapshotIndex(): LogIndex {
    return this.core.log.snapshotIndex;
  }
  get snapshotTerm(): Term {
    return this.core.log.snapshotTerm;
  }
  /** The entry at an absolute index; undefined inside the snapshot or past the end. */
  entryAt(index: number): Entry | undefined {
    return this.core.log.entry(index);
  }
  /** The term at an absolute index, known from snapshotIndex to lastLogIndex. */
  termAt(index: number): Term | undefined {
    return this.core.log.termAt(index);
  }
  /** For observers (the simulator's monitors): see RaftLog.takeChanges. */
  takeLogChanges(): number {
    return this.core.log.takeChanges();
  }
  /** A leader's matchIndex for one follower, 0 when not leader (allocation-free, for monitors). */
  matchIndexOf(peer: number): number {
    const role = this.core.role;
    if (role.kind !== 'leader' || peer === this.core.id) return 0;
    return role.progress[peer]?.matchIndex ?? 0;
  }
  /** A leader's view of one follower: its nextIndex and matchIndex; null when not leader. */
  progressOf(peer: number): { readonly nextIndex: LogIndex; readonly matchIndex: LogIndex } | null {
    const role = this.core.role;
    if (role.kind !== 'leader' || peer === this.core.id) return null;
    const progress = role.progress[peer];
    return progress === undefined
      ? null
      : { nextIndex: progress.nextIndex, matchIndex: progress.matchIndex };
  }

  // ---- internals ------------------------------------------------------------------------

  private dispatch(from: NodeId, message: RaftMessage): void {
    const core = this.core;
    const role = core.role.kind;
    switch (role) {
      case 'follower':
        stepFollower(core, from, message);
        return;
      case 'candidate':
        stepCandidate(core, from, message);
        return;
      case 'leader':
        stepLeader(core, from, message);
        return;
      default:
        unreachable(role);
    }
  }

  private finish(): readonly RaftEffect[] {
    this.core.checkInvariants();
    return this.core.drain();
  }
}

function restore(context: BootContext): PersistentState {
  if (context.raftState.length > 0) {
    return decodeState(context.raftState, context.snapshot, context.nodes);
  }
  if (context.snapshot.length > 0) {
    throw new CorruptStateError('raft state is empty but a snapshot was saved beside it');
  }
  return FRESH;
}
