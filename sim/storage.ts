const EMPTY = new Uint8Array(0);

/**
 * The lab's Persister: a node's durable state, saved atomically as a (Raft state, snapshot)
 * pair. The bytes handed to save() become the persister's: callers pass fresh arrays (or the
 * same array again, never changed in place).
 */
export class Persister {
  private raftState: Uint8Array = EMPTY;
  private snapshot: Uint8Array = EMPTY;
  /** Number of save() calls, for the trace and the G5 durability check. */
  saves = 0;

  /**
   * Replaces both halves, as Go's Save(state, snapshot) does: a null snapshot saves no snapshot,
   * erasing the one saved before. A Raft that forgets its snapshot on restart and saves again
   * loses it here, as it would in the lab (TestSnapshotInit3D exists to catch that).
   */
  save(raftState: Uint8Array, snapshot: Uint8Array | null): void {
    this.raftState = raftState;
    this.snapshot = snapshot ?? EMPTY;
    this.saves++;
  }

  readRaftState(): Uint8Array {
    return this.raftState.slice();
  }

  readSnapshot(): Uint8Array {
    return this.snapshot.slice();
  }

  raftStateSize(): number {
    return this.raftState.length;
  }

  snapshotSize(): number {
    return this.snapshot.length;
  }

  /**
   * What survives a crash: a deep copy, so that anything the dead instance still holds (a
   * reference to the old persister) can never change what the restarted instance reads.
   */
  copy(): Persister {
    const next = new Persister();
    next.raftState = this.raftState.slice();
    next.snapshot = this.snapshot.slice();
    next.saves = this.saves;
    return next;
  }
}
