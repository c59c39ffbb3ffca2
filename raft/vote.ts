import { fail } from './assert.js';
import type { Core } from './core.js';
import type { RequestVote } from './messages.js';
import type { NodeId } from './types.js';

/**
 * RequestVote in the receiver's own term, in any role (the term was settled by the caller).
 * §5.2: at most one vote per term, first come first served. §5.4.1: only for a candidate whose
 * log is at least as up to date. The vote is persisted before the reply leaves (Core.send).
 */
export function handleRequestVote(core: Core, from: NodeId, request: RequestVote): void {
  if (request.term !== core.currentTerm) fail(`vote request of term ${request.term} not settled`);
  const granted = mayVoteFor(core, from, request);
  if (core.mutant === 'Z02') {
    // mutant Z02: the grant leaves first; the vote is recorded (and saved) only after it.
    core.send(from, { type: 'RequestVoteReply', term: core.currentTerm, voteGranted: granted });
    if (granted) core.votedFor = from;
    if (granted) core.armElectionTimer();
    return;
  }
  if (granted) {
    core.votedFor = from;
    // Granting a vote counts as hearing from a live candidate: do not race it (Figure 2).
    core.armElectionTimer();
  }
  core.send(from, { type: 'RequestVoteReply', term: core.currentTerm, voteGranted: granted });
}

function mayVoteFor(core: Core, from: NodeId, request: RequestVote): boolean {
  if (core.votedFor !== null && core.votedFor !== from) return false;
  // A candidate or leader of this term voted for itself, so only a follower gets here.
  if (core.role.kind !== 'follower') fail(`${core.role.kind} ${core.id} could vote for ${from}`);
  // mutant Z03: "up to date" judged by the candidate's current term instead of its last log term.
  if (core.mutant === 'Z03') return core.log.isBehindOrEqualTo(request.term, request.lastLogIndex);
  // Build S02 (outside the zoo): last term and last index compared apart, a partial order, so
  // two servers can each refuse the other; only a server with both as large can win them over.
  if (core.mutant === 'S02')
    return request.lastLogTerm >= core.log.lastTerm && request.lastLogIndex >= core.log.lastIndex;
  // Build S05 (outside the zoo): a log with nothing past its snapshot taken to end in term 0,
  // not in the snapshot's term, so any candidate whose log holds an entry looks up to date.
  if (core.mutant === 'S05' && core.log.length === 0)
    return request.lastLogTerm > 0 || request.lastLogIndex >= core.log.lastIndex;
  return core.log.isBehindOrEqualTo(request.lastLogTerm, request.lastLogIndex);
}
