import type { Core } from './core.js';
import { stepFollower } from './follower.js';
import { becomeLeaderAndAnnounce } from './leader.js';
import type { RaftMessage, RequestVoteReply } from './messages.js';
import type { NodeId } from './types.js';
import { handleRequestVote } from './vote.js';
import { unreachable } from './assert.js';

/** §5.2: an election timeout with no word from a leader starts an election for the next term. */
export function startElection(core: Core): void {
  core.becomeCandidate();
  if (core.role.kind === 'candidate' && core.hasMajority(core.role.votes.size)) {
    becomeLeaderAndAnnounce(core); // a cluster of one elects itself
    return;
  }
  const request = {
    type: 'RequestVote',
    term: core.currentTerm,
    lastLogIndex: core.log.lastIndex,
    lastLogTerm: core.log.lastTerm,
  } as const;
  for (const peer of core.peers) core.send(peer, request);
}

/** A candidate's inputs in its own term. */
export function stepCandidate(core: Core, from: NodeId, message: RaftMessage): void {
  switch (message.type) {
    case 'RequestVote':
      handleRequestVote(core, from, message);
      return;
    case 'RequestVoteReply':
      handleVoteReply(core, from, message);
      return;
    case 'AppendEntries':
    case 'InstallSnapshot':
      // §5.2: a leader of this very term exists, so the election is lost.
      core.becomeFollower(core.currentTerm, from);
      stepFollower(core, from, message);
      return;
    case 'AppendEntriesReply':
    case 'InstallSnapshotReply':
      return; // answers to a leader this node no longer is
    default:
      unreachable(message);
  }
}

function handleVoteReply(core: Core, from: NodeId, reply: RequestVoteReply): void {
  if (core.role.kind !== 'candidate' || !reply.voteGranted) return;
  core.role.votes.add(from); // a set: a duplicated reply counts once
  // mutant Z01: a plain counter of grants, so a duplicated grant counts twice.
  const count = core.mutant === 'Z01' ? countGrant(core.role) : core.role.votes.size;
  if (core.hasMajority(count)) becomeLeaderAndAnnounce(core);
}

/** Mutant Z01's tally: one more per granted reply, whoever sent it (its own vote included). */
const grantsCounted = new WeakMap<object, number>();
function countGrant(election: object): number {
  const count = (grantsCounted.get(election) ?? 1) + 1;
  grantsCounted.set(election, count);
  return count;
}
