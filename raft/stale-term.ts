import { unreachable } from './assert.js';
import type { Core } from './core.js';
import { handleAppendEntries } from './follower.js';
import { stepLeader } from './leader.js';
import type { RaftMessage } from './messages.js';
import { type NodeId, type Term, logIndex, term } from './types.js';

/**
 * A message from an older term. §5.1: a request is answered with the current term so that its
 * sender steps down; a reply is dropped (it answers a question from a term that is over).
 */
export function answerStale(core: Core, from: NodeId, message: RaftMessage): void {
  const currentTerm = core.currentTerm;
  switch (message.type) {
    case 'RequestVote':
      core.send(from, { type: 'RequestVoteReply', term: currentTerm, voteGranted: false });
      return;
    case 'AppendEntries':
      core.send(from, {
        type: 'AppendEntriesReply',
        term: currentTerm,
        success: false,
        prevLogIndex: message.prevLogIndex,
        xTerm: term(0),
        xIndex: logIndex(0),
        xLen: logIndex(core.log.lastIndex + 1),
      });
      return;
    case 'InstallSnapshot':
      // Index 0: nothing is acknowledged. Echoing the request's index here once let a sender
      // that had since won this newer term count the answer as holding its snapshot.
      core.send(from, {
        type: 'InstallSnapshotReply',
        term: currentTerm,
        lastIncludedIndex: logIndex(0),
      });
      return;
    case 'RequestVoteReply':
    case 'AppendEntriesReply':
    case 'InstallSnapshotReply':
      return;
    default:
      unreachable(message);
  }
}

/**
 * Mutants Z08 and Z09 handle some messages of an older term as if they were current; true if
 * this one was. The correct Raft takes none (always false).
 */
export function mutantTakesStale(core: Core, from: NodeId, message: RaftMessage): boolean {
  if (core.mutant === 'Z08' && message.type === 'AppendEntries') {
    handleAppendEntries(core, from, message); // mutant Z08: a deposed leader's entries go in
    return true;
  }
  if (
    core.mutant === 'Z09' &&
    message.type === 'AppendEntriesReply' &&
    core.role.kind === 'leader'
  ) {
    stepLeader(core, from, message); // mutant Z09: a reply counts whatever its request's term
    return true;
  }
  return false;
}

/** Mutant Z04's term change: to the message's term, lower or not, with the vote forgotten. */
export function lowerTerm(core: Core, to: Term): void {
  core.currentTerm = to;
  core.votedFor = null;
  core.becomeFollower(to, null);
}
