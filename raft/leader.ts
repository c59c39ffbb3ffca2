import { fail, unreachable } from './assert.js';
import type { Core } from './core.js';
import type { AppendEntriesRejected, AppendEntriesReply, RaftMessage } from './messages.js';
import { HEARTBEAT_TIMER, NO_REJECTION, type Progress, REPLICATE_TIMER } from './roles.js';
import { type LogIndex, type NodeId, logIndex } from './types.js';
import { handleRequestVote } from './vote.js';

type LeaderState = Extract<Core['role'], { kind: 'leader' }>;

function leaderState(core: Core): LeaderState {
  if (core.role.kind !== 'leader') fail(`node ${core.id} acts as leader while ${core.role.kind}`);
  return core.role;
}

function progressOf(core: Core, peer: NodeId): Progress {
  const progress = leaderState(core).progress[peer];
  if (progress === undefined || peer === core.id) fail(`no progress for node ${peer}`);
  return progress;
}

/** Won the election: say so to every follower at once (Figure 2) and keep saying it. */
export function becomeLeaderAndAnnounce(core: Core): void {
  core.becomeLeader();
  broadcastAppend(core);
}

/** A leader's inputs in its own term. */
export function stepLeader(core: Core, from: NodeId, message: RaftMessage): void {
  switch (message.type) {
    case 'RequestVote':
      handleRequestVote(core, from, message); // refused: this leader voted for itself
      return;
    case 'AppendEntriesReply':
      handleAppendReply(core, from, message);
      return;
    case 'InstallSnapshotReply':
      acknowledge(core, from, message.lastIncludedIndex);
      return;
    case 'RequestVoteReply':
      return; // the election is already won
    case 'AppendEntries':
    case 'InstallSnapshot':
      // §5.2 election safety: no other leader can exist in this node's term.
      fail(`leader ${core.id} of term ${core.currentTerm} got ${message.type} from ${from}`);
      return;
    default:
      unreachable(message);
  }
}

/** The heartbeat: AppendEntries to every follower, carrying whatever each one still lacks. */
export function broadcastAppend(core: Core): void {
  for (const peer of core.peers) {
    // The heartbeat is a fresh probe whose rejection must count, wherever the floor stands
    // (else a lost probe of a walk back would wedge it). Only here, once an interval, so late
    // copies of rejections cannot start walks faster than heartbeats go out.
    progressOf(core, peer).rejectedFloor = NO_REJECTION;
    sendAppend(core, peer);
  }
  core.setTimer(HEARTBEAT_TIMER, core.options.heartbeatIntervalMicros);
}

/** §5.3: a new command goes into the leader's log; it is sent after a short batching delay. */
export function appendCommand(core: Core, command: Uint8Array): LogIndex {
  core.log.append([{ term: core.currentTerm, command }]);
  maybeAdvanceCommit(core); // a cluster of one commits on its own
  scheduleReplicate(core);
  return core.log.lastIndex;
}

function scheduleReplicate(core: Core): void {
  const state = leaderState(core);
  if (state.replicatePending) return;
  state.replicatePending = true;
  core.setTimer(REPLICATE_TIMER, core.options.batchDelayMicros);
}

/** The batching delay ended: send new entries, or a new commit index, to whoever lacks them. */
export function replicateNow(core: Core): void {
  const state = leaderState(core);
  state.replicatePending = false;
  for (const peer of core.peers) {
    const progress = progressOf(core, peer);
    const unsent = progress.nextIndex <= core.log.lastIndex;
    if (unsent || progress.commitSent < core.commitIndex) sendAppend(core, peer);
  }
}

/**
 * AppendEntries from nextIndex, or the snapshot if those entries are gone (§7). nextIndex then
 * moves past what was sent, so the next message carries only newer entries; a loss shows up as
 * a rejection of a later probe, which rewinds it.
 */
function sendAppend(core: Core, peer: NodeId): void {
  const progress = progressOf(core, peer);
  const { log } = core;
  if (progress.nextIndex <= log.snapshotIndex) {
    sendSnapshot(core, peer, progress);
    return;
  }
  const prevLogIndex = logIndex(progress.nextIndex - 1);
  const prevLogTerm = log.termAt(prevLogIndex);
  if (prevLogTerm === undefined)
    fail(`nextIndex ${progress.nextIndex} past the log ${log.lastIndex}`);
  const entries = log.slice(progress.nextIndex, core.options.maxEntriesPerAppend);
  const leaderCommit = core.commitIndex;
  core.send(peer, {
    type: 'AppendEntries',
    term: core.currentTerm,
    prevLogIndex,
    prevLogTerm,
    entries,
    leaderCommit,
  });
  progress.nextIndex = logIndex(progress.nextIndex + entries.length);
  progress.commitSent = leaderCommit;
}

function sendSnapshot(core: Core, peer: NodeId, progress: Progress): void {
  const { log } = core;
  core.send(peer, {
    type: 'InstallSnapshot',
    term: core.currentTerm,
    lastIncludedIndex: log.snapshotIndex,
    lastIncludedTerm: log.snapshotTerm,
    data: core.snapshot,
  });
  progress.nextIndex = logIndex(log.snapshotIndex + 1);
}

function handleAppendReply(core: Core, from: NodeId, reply: AppendEntriesReply): void {
  if (reply.success) acknowledge(core, from, reply.matchIndex);
  else handleRejection(core, from, reply);
  // Build S03 (outside the zoo): each success answered with another append, empty or not, so
  // a leader and its followers keep a message in flight at the network's speed once idle.
  if (reply.success && core.mutant === 'S03') sendAppend(core, from);
}

/** The follower's log matches through `matchIndex`: count it towards commitment (§5.3). */
function acknowledge(core: Core, from: NodeId, matchIndex: LogIndex): void {
  const progress = progressOf(core, from);
  if (matchIndex > core.log.lastIndex) fail(`node ${from} matches ${matchIndex}, past our log`);
  if (matchIndex <= progress.matchIndex) return; // late or duplicated: nothing new
  progress.matchIndex = matchIndex;
  progress.rejectedFloor = NO_REJECTION;
  progress.nextIndex = logIndex(Math.max(progress.nextIndex, matchIndex + 1));
  maybeAdvanceCommit(core);
  // Catching up (after a snapshot, a rewind or a full batch): keep the entries flowing.
  if (progress.nextIndex <= core.log.lastIndex) sendAppend(core, from);
}

/**
 * The follower lacks prevLogIndex or holds another term there. Move nextIndex back by the
 * backup policy and retry at once. A rejection of a probe at or below matchIndex is stale (the
 * follower has since accepted more), and one at or above a probe already rejected is a late
 * copy; neither changes anything. nextIndex only ever moves back here.
 */
function handleRejection(core: Core, from: NodeId, reply: AppendEntriesRejected): void {
  const progress = progressOf(core, from);
  // Build S01 (outside the zoo) drops these guards, to show a storm ends as a verdict.
  const guarded = core.mutant !== 'S01';
  if (guarded && reply.prevLogIndex <= progress.matchIndex) return;
  if (guarded && reply.prevLogIndex >= progress.rejectedFloor) return;
  progress.rejectedFloor = reply.prevLogIndex;
  const target = Math.min(backupTarget(core, reply, progress), progress.nextIndex);
  const next = logIndex(Math.max(target, progress.matchIndex + 1, 1));
  if (guarded && next >= progress.nextIndex) return;
  progress.nextIndex = next;
  sendAppend(core, from);
}

/** Where nextIndex goes under the configured policy (before the clamps above). */
function backupTarget(core: Core, reply: AppendEntriesRejected, progress: Progress): number {
  switch (core.options.backup) {
    case 'fast':
      return fastBackupTarget(core, reply);
    case 'byOne':
      return reply.prevLogIndex; // retry one entry earlier than the rejected probe
    case 'toMatch':
      return progress.matchIndex + 1;
    default:
      return unreachable(core.options.backup);
  }
}

/** The handout's three cases. */
function fastBackupTarget(core: Core, reply: AppendEntriesRejected): number {
  if (reply.xTerm === 0) return reply.xLen; // the follower's log is too short
  const last = core.log.lastIndexOfTerm(reply.xTerm);
  if (last === undefined) return reply.xIndex; // we lack xTerm: skip all of it
  return last + 1; // we have xTerm: resume after our last entry of it
}

/**
 * §5.3 and §5.4.2: the highest index stored on a majority becomes committed, but only if it
 * holds an entry of the current term (older entries then commit with it, never alone).
 */
function maybeAdvanceCommit(core: Core): void {
  const state = leaderState(core);
  // Filled by index, never emptied: `length = 0` would free the array's storage every time.
  const matches = matchScratch;
  let count = 0;
  for (const peer of core.peers) matches[count++] = (state.progress[peer] as Progress).matchIndex;
  matches[count++] = core.log.lastIndex;
  sortDescending(matches, count);
  // mutant Z11: the most common matchIndex (ties to the highest), not the majority's; build S09:
  // the rank held by half the cluster (the same on an odd cluster).
  const rank =
    core.mutant === 'S09' ? Math.floor((core.nodes - 1) / 2) : Math.floor(core.nodes / 2);
  const candidate =
    core.mutant === 'Z11' ? modeOf(matches.slice(0, count)) : (matches[rank] as LogIndex);
  if (candidate <= core.commitIndex) return;
  // mutant Z10: an entry of an earlier term commits by counting replicas (Figure 8).
  if (core.mutant !== 'Z10' && core.log.termAt(candidate) !== core.currentTerm) return;
  core.commitThrough(candidate);
  if (core.peers.length > 0) scheduleReplicate(core); // tell the followers soon
}

/**
 * The match indexes maybeAdvanceCommit ranks, reused from call to call (it runs on every
 * acknowledgement, synchronously, and keeps nothing): no array per call.
 */
const matchScratch: LogIndex[] = [];

/** Insertion sort, highest first: a cluster's handful of values, without sort()'s allocations. */
function sortDescending(values: LogIndex[], count: number): void {
  for (let i = 1; i < count; i++) {
    const value = values[i] as LogIndex;
    let j = i - 1;
    while (j >= 0 && (values[j] as LogIndex) < value) {
      values[j + 1] = values[j] as LogIndex;
      j--;
    }
    values[j + 1] = value;
  }
}

/** Mutant Z11's quorum: the value most often seen; the first (highest) of a tie. */
function modeOf(sortedDescending: readonly LogIndex[]): LogIndex {
  let best = sortedDescending[0] as LogIndex;
  let bestCount = 0;
  for (const value of new Set(sortedDescending)) {
    const count = sortedDescending.filter((v) => v === value).length;
    if (count > bestCount) [best, bestCount] = [value, count];
  }
  return best;
}
