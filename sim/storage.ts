const EMPTY = new Uint8Array(0);

/**
 * The lab's Persister: a node's durable state, saved atomically as a (Raft state, snapshot)
 * pair. The bytes handed to save() become the persister's: callers pass fresh arrays (or the
 * same array again, never changed in place).
 */
export class Persister {
  private raftState: Uint8Array = EMPTY;
  private snapshot: Uint8Array = EMPTY;
  /** The snapshot the newest one replaced (a torn write pairs it with the newest state). */
  private snapshotBefore: Uint8Array = EMPTY;
  /** The pair as last saved: what the disk holds unless a disk fault overwrote it since. */
  private savedRaftState: Uint8Array = EMPTY;
  private savedSnapshot: Uint8Array = EMPTY;
  /** Number of save() calls, for the trace and the G5 durability check. */
  saves = 0;

  /**
   * Replaces both halves, as Go's Save(state, snapshot) does: a null snapshot saves no snapshot,
   * erasing the one saved before. A Raft that forgets its snapshot on restart and saves again
   * loses it here, as it would in the lab (TestSnapshotInit3D exists to catch that).
   */
  save(raftState: Uint8Array, snapshot: Uint8Array | null): void {
    this.raftState = raftState;
    const next = snapshot ?? EMPTY;
    // The snapshot a torn write would pair with the newest state is the last different one. A
    // Raft hands the same array over with every save; after a reboot it hands over a copy of
    // what it read back, the same bytes, which must not count as a new snapshot.
    if (!sameBytes(next, this.savedSnapshot)) this.snapshotBefore = this.savedSnapshot;
    this.snapshot = next;
    this.savedRaftState = raftState;
    this.savedSnapshot = next;
    this.saves++;
  }

  /** Whether `snapshot` is the very array last saved (a Raft hands it over with every save). */
  holdsSnapshot(snapshot: Uint8Array): boolean {
    return snapshot === this.savedSnapshot;
  }

  /** The snapshot saved before the current one (empty if there was none). */
  readPreviousSnapshot(): Uint8Array {
    return this.snapshotBefore.slice();
  }

  /**
   * What a damaged disk holds from now on (a disk fault, not a save): the files are replaced
   * behind the node's back, and the save count stays.
   */
  overwrite(raftState: Uint8Array, snapshot: Uint8Array): void {
    this.raftState = raftState;
    this.snapshot = snapshot;
  }

  /**
   * Whether the disk holds, byte for byte, the pair last saved: disk faults that undo each
   * other (one bit flipped twice) leave nothing damaged.
   */
  whole(): boolean {
    return (
      sameBytes(this.raftState, this.savedRaftState) && sameBytes(this.snapshot, this.savedSnapshot)
    );
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
    next.snapshotBefore = this.snapshotBefore;
    next.savedRaftState = this.savedRaftState;
    next.savedSnapshot = this.savedSnapshot;
    next.saves = this.saves;
    return next;
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
