import { unreachable } from './assert.js';
import type { Entry, LogIndex, Term } from './types.js';

/**
 * The three RPCs of the Raft paper and their replies. Messages are one-way: a reply is a message
 * of its own that may arrive late, twice or never, so each reply carries what its receiver needs
 * to interpret it without remembering the request (the term, and the index range it covered).
 * The sender is not in the message: the network tells the receiver who sent it.
 */
export type RaftMessage =
  | RequestVote
  | RequestVoteReply
  | AppendEntries
  | AppendEntriesReply
  | InstallSnapshot
  | InstallSnapshotReply;

export type MessageType = RaftMessage['type'];

export interface RequestVote {
  readonly type: 'RequestVote';
  readonly term: Term;
  readonly lastLogIndex: LogIndex;
  readonly lastLogTerm: Term;
}

export interface RequestVoteReply {
  readonly type: 'RequestVoteReply';
  readonly term: Term;
  readonly voteGranted: boolean;
}

export interface AppendEntries {
  readonly type: 'AppendEntries';
  readonly term: Term;
  readonly prevLogIndex: LogIndex;
  readonly prevLogTerm: Term;
  /** Entries for prevLogIndex + 1, prevLogIndex + 2, ...; empty for a heartbeat. */
  readonly entries: readonly Entry[];
  readonly leaderCommit: LogIndex;
}

export type AppendEntriesReply = AppendEntriesAccepted | AppendEntriesRejected;

export interface AppendEntriesAccepted {
  readonly type: 'AppendEntriesReply';
  readonly term: Term;
  readonly success: true;
  /** The request's prevLogIndex: which probe this answers. */
  readonly prevLogIndex: LogIndex;
  /** The follower's log matches the leader's through this index (prevLogIndex + entries). */
  readonly matchIndex: LogIndex;
}

/** The fast backup of the lab handout: enough for the leader to skip a whole term at a time. */
export interface AppendEntriesRejected {
  readonly type: 'AppendEntriesReply';
  readonly term: Term;
  readonly success: false;
  readonly prevLogIndex: LogIndex;
  /** The term of the follower's entry at prevLogIndex; 0 when the log is too short for one. */
  readonly xTerm: Term;
  /** The first index holding xTerm in the follower's log (0 when xTerm is 0). */
  readonly xIndex: LogIndex;
  /** The follower's log length counting the index-0 sentinel: its last index + 1. */
  readonly xLen: LogIndex;
}

/** The whole snapshot in one message (the lab does not chunk it). */
export interface InstallSnapshot {
  readonly type: 'InstallSnapshot';
  readonly term: Term;
  readonly lastIncludedIndex: LogIndex;
  readonly lastIncludedTerm: Term;
  readonly data: Uint8Array;
}

export interface InstallSnapshotReply {
  readonly type: 'InstallSnapshotReply';
  readonly term: Term;
  /**
   * Echoed: the follower now holds everything through this index. 0 in the answer to a request
   * of an older term, which acknowledges nothing.
   */
  readonly lastIncludedIndex: LogIndex;
}

/** Replies meet different loss and reordering in the lab's network. */
export function isReply(message: RaftMessage): boolean {
  switch (message.type) {
    case 'RequestVote':
    case 'AppendEntries':
    case 'InstallSnapshot':
      return false;
    case 'RequestVoteReply':
    case 'AppendEntriesReply':
    case 'InstallSnapshotReply':
      return true;
    default:
      return unreachable(message);
  }
}

/** The term a Raft message carries; null for any other message (the service's own traffic). */
export function termOf(message: { readonly type: string }): Term | null {
  switch (message.type) {
    case 'RequestVote':
    case 'RequestVoteReply':
    case 'AppendEntries':
    case 'AppendEntriesReply':
    case 'InstallSnapshot':
    case 'InstallSnapshotReply':
      return (message as RaftMessage).term;
    default:
      return null;
  }
}
