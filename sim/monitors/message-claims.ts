import type { RaftView } from './view.js';

/*
 * G6: what a Raft message says of its sender, as it leaves, is true. A receiver acts on those
 * fields without any way to check them, so a message that misdescribes its sender misleads the
 * cluster quietly: a vote request naming a last entry the candidate lacks, an append whose
 * previous entry is not the leader's, a fast backup hint that skips entries the follower holds
 * or re-sends ones it has. Some of these harm safety much later, some only cost messages; G6
 * catches them all as they leave.
 */

/**
 * A Raft message as it leaves, in Figure 2's field names: the monitors' own description of the
 * handout's messages, which the Raft core's messages satisfy structurally.
 */
export type SentMessage =
  | {
      readonly type: 'RequestVote';
      readonly term: number;
      readonly lastLogIndex: number;
      readonly lastLogTerm: number;
    }
  | { readonly type: 'RequestVoteReply'; readonly term: number; readonly voteGranted: boolean }
  | {
      readonly type: 'AppendEntries';
      readonly term: number;
      readonly prevLogIndex: number;
      readonly prevLogTerm: number;
      readonly entries: readonly { readonly term: number }[];
      readonly leaderCommit: number;
    }
  | { readonly type: 'AppendEntriesReply'; readonly term: number; readonly success: true }
  | {
      readonly type: 'AppendEntriesReply';
      readonly term: number;
      readonly success: false;
      readonly prevLogIndex: number;
      readonly xTerm: number;
      readonly xIndex: number;
      readonly xLen: number;
    }
  | {
      readonly type: 'InstallSnapshot';
      readonly term: number;
      readonly lastIncludedIndex: number;
      readonly lastIncludedTerm: number;
    }
  | { readonly type: 'InstallSnapshotReply'; readonly term: number };

type Of<T extends SentMessage['type']> = Extract<SentMessage, { readonly type: T }>;

/**
 * How `message`, sent to `to`, misdescribes its sender (`view`, as it sends), or null if it
 * does not. Acknowledgements are G1's and G5's to judge (what they vouch for, and when).
 */
export function misdescription(message: SentMessage, to: number, view: RaftView): string | null {
  switch (message.type) {
    case 'RequestVote':
      return voteRequestLie(message, view);
    case 'AppendEntries':
      return appendLie(message, view);
    case 'InstallSnapshot':
      return snapshotLie(message, view);
    case 'AppendEntriesReply':
      return message.success ? null : rejectionLie(message, view);
    case 'RequestVoteReply':
      return !message.voteGranted || view.votedFor === to
        ? null
        : `a vote granted to ${to} with votedFor ${view.votedFor}`;
    case 'InstallSnapshotReply':
      return null;
  }
}

function voteRequestLie(message: Of<'RequestVote'>, view: RaftView): string | null {
  if (view.role !== 'candidate') return `a vote request sent by a ${view.role}`;
  const { lastLogIndex: lastIndex, lastLogTerm: lastTerm } = message;
  const ownTerm = view.termAt(view.lastLogIndex);
  if (lastIndex === view.lastLogIndex && lastTerm === ownTerm) return null;
  return `a vote request naming last entry ${lastIndex} of term ${lastTerm}; the log ends at ${view.lastLogIndex} of term ${ownTerm}`;
}

function appendLie(message: Of<'AppendEntries'>, view: RaftView): string | null {
  if (view.role !== 'leader') return `an append sent by a ${view.role}`;
  const { prevLogIndex: prevIndex, prevLogTerm: prevTerm, entries } = message;
  const ownPrev = view.termAt(prevIndex);
  if (ownPrev !== prevTerm) {
    return `an append after entry ${prevIndex} of term ${prevTerm}; the leader's log has ${ownPrev ?? 'none'} there`;
  }
  for (let k = 0; k < entries.length; k++) {
    const index = prevIndex + 1 + k;
    const term = (entries[k] as { readonly term: number }).term;
    const own = view.termAt(index);
    if (own !== term)
      return `an append carrying term ${term} at ${index}; the leader's log has ${own ?? 'none'}`;
  }
  if (message.leaderCommit <= view.commitIndex) return null;
  return `an append with leaderCommit ${message.leaderCommit} past the leader's commit index ${view.commitIndex}`;
}

function snapshotLie(message: Of<'InstallSnapshot'>, view: RaftView): string | null {
  if (view.role !== 'leader') return `a snapshot sent by a ${view.role}`;
  const { lastIncludedIndex: index, lastIncludedTerm: term } = message;
  if (index === view.snapshotIndex && term === view.snapshotTerm) return null;
  return `a snapshot through ${index} of term ${term}; the leader's ends at ${view.snapshotIndex} of term ${view.snapshotTerm}`;
}

/**
 * The lab handout's fast backup hint: xLen the log's length (its last index + 1), and on a
 * conflict xTerm the term at prevLogIndex and xIndex the first index of that term above the
 * snapshot; xTerm 0 (no entry there, or a refusal of a stale term) comes with xIndex 0.
 */
function rejectionLie(
  message: Extract<Of<'AppendEntriesReply'>, { success: false }>,
  view: RaftView,
): string | null {
  const { prevLogIndex: prevIndex, xTerm, xIndex, xLen } = message;
  if (xLen !== view.lastLogIndex + 1) {
    return `a rejection with xLen ${xLen}; the log's last index is ${view.lastLogIndex}`;
  }
  if (xTerm === 0) return xIndex === 0 ? null : `a rejection with xTerm 0 and xIndex ${xIndex}`;
  if (prevIndex <= view.snapshotIndex || view.termAt(prevIndex) !== xTerm) {
    return `a rejection with xTerm ${xTerm}; the log has ${view.termAt(prevIndex) ?? 'none'} at ${prevIndex}`;
  }
  const first =
    xIndex > view.snapshotIndex &&
    xIndex <= prevIndex &&
    view.termAt(xIndex) === xTerm &&
    (xIndex - 1 === view.snapshotIndex || view.termAt(xIndex - 1) !== xTerm);
  return first ? null : `a rejection with xIndex ${xIndex}, not the first index of term ${xTerm}`;
}
