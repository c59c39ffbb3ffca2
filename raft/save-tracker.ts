import type { RaftLog } from './log.js';
import type { BrokenBuild } from './mutants.js';
import { StateEncoder } from './persist.js';
import type { LogIndex, NodeId, Term } from './types.js';

/** What of a node a save holds: its persistent state and the service's snapshot. */
export interface Savable {
  readonly mutant: BrokenBuild | null;
  readonly currentTerm: Term;
  readonly votedFor: NodeId | null;
  readonly log: RaftLog;
  readonly snapshot: Uint8Array;
}

/** The two halves of one save, as the persister takes them. */
export interface Save {
  readonly raftState: Uint8Array;
  readonly snapshot: Uint8Array;
}

/**
 * What a node last handed its persister, to tell whether its state changed since then and a save
 * is due. Core asks before the first send or apply that follows a change, and at the end of
 * every input.
 */
export class SaveTracker {
  private savedTerm: Term;
  private savedVote: NodeId | null;
  private savedLogVersion: number;
  /** The log's last index when last persisted (read only by mutant Z14). */
  private savedLastIndex: LogIndex;
  /** The currentTerm written by the last persist (differs from savedTerm only for Z13). */
  private termOnDisk: Term;
  private snapshotUnsaved = false;
  /**
   * The persister's copy of the snapshot, handed over again with every save: a save replaces
   * both halves (as Go's Save does), so one without the snapshot would erase it.
   */
  private snapshotOnDisk: Uint8Array;
  private readonly encoder = new StateEncoder();

  /** `node` as it booted: everything it holds is already saved. */
  constructor(private readonly node: Savable) {
    this.savedTerm = node.currentTerm;
    this.savedVote = node.votedFor;
    this.savedLogVersion = node.log.version;
    this.savedLastIndex = node.log.lastIndex;
    this.termOnDisk = node.currentTerm;
    this.snapshotOnDisk = node.snapshot; // the boot's own copy: nobody changes it in place
  }

  /** The node's snapshot was replaced: the next save must hold the new one. */
  snapshotChanged(): void {
    this.snapshotUnsaved = true;
  }

  /** The save due now if currentTerm, votedFor, the log or the snapshot changed, else null. */
  due(): Save | null {
    const node = this.node;
    const logChanged =
      node.mutant === 'Z14'
        ? node.log.lastIndex > this.savedLastIndex // mutant Z14: only a longer log is saved
        : node.log.version !== this.savedLogVersion;
    const changed = node.currentTerm !== this.savedTerm || node.votedFor !== this.savedVote;
    if (!changed && !logChanged && !this.snapshotUnsaved) return null;
    // mutant Z13: the term goes to disk only along with the log (or a snapshot).
    if (node.mutant !== 'Z13' || logChanged || this.snapshotUnsaved) {
      this.termOnDisk = node.currentTerm;
    }
    const state = {
      currentTerm: this.termOnDisk,
      votedFor: node.votedFor,
      snapshotIndex: node.log.snapshotIndex,
      snapshotTerm: node.log.snapshotTerm,
      entries: node.log.all(),
    };
    const raftState = this.encoder.encode(state, node.snapshot, node.log.takeUnsaved());
    // The persister keeps the arrays it is given: hand it its own copy of a new snapshot.
    if (this.snapshotUnsaved) this.snapshotOnDisk = node.snapshot.slice();
    this.savedTerm = node.currentTerm;
    this.savedVote = node.votedFor;
    this.savedLogVersion = node.log.version;
    this.savedLastIndex = node.log.lastIndex;
    this.snapshotUnsaved = false;
    return { raftState, snapshot: this.snapshotOnDisk };
  }
}
