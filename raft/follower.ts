import { fail, unreachable } from './assert.js';
import type { Core } from './core.js';
import type { AppendEntries, InstallSnapshot, RaftMessage } from './messages.js';
import { type Entry, type LogIndex, type NodeId, type Term, logIndex, term } from './types.js';
import { handleRequestVote } from './vote.js';

/** A follower's inputs in its own term. */
export function stepFollower(core: Core, from: NodeId, message: RaftMessage): void {
  switch (message.type) {
    case 'RequestVote':
      handleRequestVote(core, from, message);
      return;
    case 'AppendEntries':
      // Build S04 (outside the zoo): a heartbeat does not push the election timeout back.
      if (core.mutant === 'S04' && message.entries.length === 0 && core.role.kind === 'follower')
        core.role.leader = from;
      else hearFromLeader(core, from);
      handleAppendEntries(core, from, message);
      return;
    case 'InstallSnapshot':
      hearFromLeader(core, from);
      handleInstallSnapshot(core, from, message);
      return;
    case 'RequestVoteReply':
    case 'AppendEntriesReply':
    case 'InstallSnapshotReply':
      return; // answers to a candidate or leader this node no longer is
    default:
      unreachable(message);
  }
}

/** The leader of this term spoke: remember it and push the election timeout back (§5.2). */
function hearFromLeader(core: Core, from: NodeId): void {
  if (core.role.kind !== 'follower') fail(`${core.role.kind} handles a leader's message`);
  const known = core.role.leader;
  // §5.2 election safety: one leader per term, so a second one means a broken peer.
  if (known !== null && known !== from)
    fail(`term ${core.currentTerm}: leaders ${known} and ${from}`);
  core.role.leader = from;
  core.armElectionTimer();
}

/**
 * Figure 2, AppendEntries receiver: check that the log holds prevLogIndex with prevLogTerm,
 * reconcile the entries, then adopt the leader's commit index as far as the entries reach.
 */
export function handleAppendEntries(core: Core, from: NodeId, request: AppendEntries): void {
  // mutant Z06: a heartbeat is taken on trust, without the consistency check.
  if (core.mutant === 'Z06' && request.entries.length === 0) {
    acceptHeartbeatUnchecked(core, from, request);
    return;
  }
  const covered = logIndex(request.prevLogIndex + request.entries.length);
  let prevIndex = request.prevLogIndex;
  let prevTerm = request.prevLogTerm;
  let entries = request.entries;
  // §7: what the snapshot covers is committed, so it matches; check from the snapshot on.
  const skip = core.log.snapshotIndex - prevIndex;
  if (skip > 0) {
    prevTerm = skip <= entries.length ? (entries[skip - 1] as Entry).term : core.log.snapshotTerm;
    prevIndex = core.log.snapshotIndex;
    entries = entries.slice(skip);
  }
  const ourTerm = core.log.termAt(prevIndex);
  if (ourTerm !== prevTerm) {
    rejectAppend(core, from, request.prevLogIndex, prevIndex, ourTerm);
    return;
  }
  mergeEntries(core, prevIndex, entries);
  // Only what this request vouched for is known to match the leader: not the log end.
  // mutant Z12: the commit follows the leader's as far as this log goes, matched or not.
  const vouched = core.mutant === 'Z12' ? core.log.lastIndex : covered;
  if (request.leaderCommit > core.commitIndex) {
    core.commitThrough(logIndex(Math.min(request.leaderCommit, vouched)));
  }
  core.send(from, {
    type: 'AppendEntriesReply',
    term: core.currentTerm,
    success: true,
    prevLogIndex: request.prevLogIndex,
    matchIndex: covered,
  });
}

/**
 * Rules 3 and 4: an entry that conflicts (same index, other term) goes with all after it;
 * entries already present stay, so a late duplicate of an older request never cuts the log.
 */
function mergeEntries(core: Core, prevIndex: LogIndex, entries: readonly Entry[]): void {
  const { log } = core;
  // mutant Z07: whatever follows prevLogIndex goes, even if it matches, and the entries replace it.
  if (core.mutant === 'Z07' && log.lastIndex > prevIndex) {
    log.truncateAfter(prevIndex);
    log.append(entries);
    return;
  }
  for (let k = 0; k < entries.length; k++) {
    const index = logIndex(prevIndex + 1 + k);
    const existing = log.termAt(index);
    const entry = entries[k] as Entry;
    if (existing === entry.term) continue;
    if (existing !== undefined) {
      // §5.4 state machine safety: committed entries are never replaced.
      if (index <= core.commitIndex) fail(`conflict at committed index ${index} from the leader`);
      log.truncateAfter(logIndex(index - 1));
    }
    log.append(entries.slice(k));
    return;
  }
}

/** The fast backup of the lab handout (XTerm, XIndex, XLen). */
function rejectAppend(
  core: Core,
  from: NodeId,
  requestPrev: LogIndex,
  checkedIndex: LogIndex,
  ourTerm: Term | undefined,
): void {
  const { log } = core;
  const xLen = logIndex(log.lastIndex + 1);
  const conflict = ourTerm !== undefined;
  // A conflict at the snapshot's own index would mean a committed entry differs: impossible.
  if (conflict && checkedIndex <= log.snapshotIndex) fail(`conflict at snapshot ${checkedIndex}`);
  core.send(from, {
    type: 'AppendEntriesReply',
    term: core.currentTerm,
    success: false,
    prevLogIndex: requestPrev,
    xTerm: conflict ? ourTerm : term(0),
    xIndex: conflict ? log.firstIndexOfTermAt(checkedIndex) : logIndex(0),
    xLen,
  });
}

/**
 * §7 InstallSnapshot receiver. A snapshot that does not pass commitIndex brings nothing new
 * (and must not move the service backwards): acknowledge it and keep the log.
 */
function handleInstallSnapshot(core: Core, from: NodeId, request: InstallSnapshot): void {
  // mutant Z15: a snapshot is installed even when it does not pass commitIndex.
  if (core.mutant === 'Z15' || request.lastIncludedIndex > core.commitIndex) {
    core.installSnapshot(request.lastIncludedIndex, request.lastIncludedTerm, request.data);
  }
  core.send(from, {
    type: 'InstallSnapshotReply',
    term: core.currentTerm,
    lastIncludedIndex: request.lastIncludedIndex,
  });
}

/** Mutant Z06: success for any heartbeat, and a commit as far as the leader's, log permitting. */
function acceptHeartbeatUnchecked(core: Core, from: NodeId, request: AppendEntries): void {
  const reach = logIndex(Math.min(request.leaderCommit, core.log.lastIndex));
  if (reach > core.commitIndex) core.commitThrough(reach);
  core.send(from, {
    type: 'AppendEntriesReply',
    term: core.currentTerm,
    success: true,
    prevLogIndex: request.prevLogIndex,
    matchIndex: request.prevLogIndex,
  });
}
