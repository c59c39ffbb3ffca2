import type { Micros } from '../time.js';

/**
 * What the monitors read of a Raft node: an omniscient, read-only view. The monitors live apart
 * from the code they check and know it only through this shape (the Raft core's node satisfies
 * it structurally; sim/ imports nothing from raft/).
 */
export interface RaftView {
  readonly role: 'follower' | 'candidate' | 'leader';
  readonly term: number;
  readonly votedFor: number | null;
  readonly commitIndex: number;
  readonly lastApplied: number;
  readonly lastLogIndex: number;
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  termAt(index: number): number | undefined;
  entryAt(index: number): { readonly term: number; readonly command: Uint8Array } | undefined;
  /** A leader's matchIndex for `peer`; 0 when not leader. */
  matchIndexOf(peer: number): number;
  /**
   * The lowest log index appended, replaced or truncated away since the last call (Infinity if
   * none); compaction into a snapshot is not a change. Lets the monitors check incrementally.
   */
  takeLogChanges(): number;
}

/**
 * What a node's last save holds, as the binding layer decodes it from the saved bytes: the
 * durable state G5 judges vouching replies against, and where a restarted node resumes.
 */
export interface SavedView {
  readonly term: number;
  readonly votedFor: number | null;
  readonly snapshotIndex: number;
  readonly lastLogIndex: number;
}

/** A save the decoder could not read vouches for nothing. */
export const NOTHING_DURABLE: SavedView = {
  term: 0,
  votedFor: null,
  snapshotIndex: 0,
  lastLogIndex: 0,
};

/** An applied message as the monitors see it: a command at an index, or a snapshot. */
export type AppliedView =
  | { readonly commandValid: true; readonly command: Uint8Array; readonly commandIndex: number }
  | { readonly commandValid: false; readonly snapshotValid: true; readonly snapshotIndex: number };

/**
 * A reply that vouches for state: a granted vote, or an append or snapshot acknowledged up to
 * an index (what a leader's matchIndex rests on).
 */
export type Vouch =
  | { readonly kind: 'vote'; readonly term: number; readonly candidate: number }
  | { readonly kind: 'append' | 'snapshot'; readonly term: number; readonly matchIndex: number };

export const INVARIANTS = {
  ES: 'election safety',
  LAO: 'leader append-only',
  LM: 'log matching',
  LC: 'leader completeness',
  CS: 'only truly committed entries are marked committed',
  SMS: 'state machine safety',
  LIN: 'linearizability of the client history',
  DUR: 'no acknowledged write lost',
  G1: 'matchIndex acknowledged in its term, within the shared prefix, never falling',
  G2: 'currentTerm never decreases',
  G3: 'one vote per term',
  G4: 'commit and apply bounds',
  G5: 'vouching reply after durable state',
  G6: 'a message describes its sender as it is',
  G7: 'a save pairs Raft state with the snapshot of its index',
  G8: 'a leader commits what a majority holds of its term',
  DISK: 'a node refuses to boot on damaged saved state',
  ASSERT: "a node's own always-on assertion",
  PANIC: "a node's code failed where a Go Raft panics (it threw, or sent to no such peer)",
} as const;
export type InvariantId = keyof typeof INVARIANTS;

/**
 * The white-box monitors (they read a node's internals), which `--without` may turn off to see
 * what the black-box checks (ES, LC, CS, SMS, DUR, LIN, liveness) catch alone.
 */
export const WHITE_BOX: readonly InvariantId[] = [
  'G1',
  'G2',
  'G3',
  'G4',
  'G5',
  'G6',
  'G7',
  'G8',
  'LAO',
  'LM',
];

export interface Violation {
  readonly invariant: InvariantId;
  /** The trace index of the event after which the check failed, and its virtual time. */
  readonly event: number;
  readonly t: Micros;
  readonly nodes: readonly number[];
  readonly message: string;
}

/** Thrown by a monitor at the first violating event, which stops the run right there. */
export class ViolationError extends Error {
  override readonly name = 'ViolationError';
  constructor(readonly violation: Violation) {
    super(
      `${violation.invariant} (${INVARIANTS[violation.invariant]}) violated at event #${violation.event}: ${violation.message}`,
    );
  }
}

/** FNV-1a over a command's bytes: identity of a log entry's content. */
export function hashBytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}
