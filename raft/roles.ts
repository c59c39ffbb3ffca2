import type { LogIndex, NodeId } from './types.js';

/** Timer names: a follower or candidate arms `election`, a leader `heartbeat` and `replicate`. */
export const ELECTION_TIMER = 'election';
export const HEARTBEAT_TIMER = 'heartbeat';
export const REPLICATE_TIMER = 'replicate';

/** What a leader knows of one follower. */
export interface Progress {
  /** The next index to send. Advanced optimistically when entries leave; rewound on rejection. */
  nextIndex: LogIndex;
  // invariant: matchIndex < nextIndex, and matchIndex never decreases within the term.
  matchIndex: LogIndex;
  /** The leaderCommit of the last AppendEntries sent, to tell whether the follower is behind. */
  commitSent: LogIndex;
  /**
   * The lowest probe (prevLogIndex) rejected since the follower last acknowledged anything or
   * the last heartbeat. A rejection at or above it is a late or duplicated copy: acting on it
   * again would start a second walk back beside the first, and under duplication the walks
   * would multiply.
   */
  rejectedFloor: number;
}

/** No probe rejected yet. */
export const NO_REJECTION = Number.MAX_SAFE_INTEGER;

/**
 * What each role holds beside the state every node keeps (Figure 2's volatile state on leaders).
 * Core switches between them in becomeFollower, becomeCandidate and becomeLeader.
 */
export type RoleState =
  | { readonly kind: 'follower'; leader: NodeId | null }
  | { readonly kind: 'candidate'; readonly votes: Set<NodeId> }
  | {
      readonly kind: 'leader';
      /** Indexed by node id; this node's own slot is never read. */
      readonly progress: Progress[];
      replicatePending: boolean;
    };

export type Role = RoleState['kind'];
