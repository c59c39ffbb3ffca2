import type { ApplyMsg } from '../../raft/types.js';
import {
  decodeServiceSnapshot,
  decodeValue,
  encodeServiceSnapshot,
  type LabValue,
} from './values.js';

/** The 3D service snapshots after applying index i when (i + 1) % 10 == 0. */
export const SNAPSHOT_INTERVAL = 10;

/**
 * The lab's record of what every server applied, checked on every apply: no two servers apply
 * different commands at one index, and each server applies in order (each index its last
 * applied + 1). A restarted server is a new instance with a record of its own: only what it
 * applies in its new life counts, from index 1 or from its persisted snapshot. With
 * `snapshotting`, it is also the 3D service: it snapshots every tenth index and ingests
 * snapshots Raft hands back.
 *
 * A failed check is remembered (the first one wins) and thrown at the next harness check, as the
 * lab's applyErr is; it is also thrown at once, which stops the run at the violating event.
 */
export class Applier {
  /** Per server: index → command applied there. */
  readonly logs: Map<number, LabValue>[];
  private readonly lastApplied: number[];
  /** The highest index applied by any server. */
  maxIndex = 0;
  private failure: string | null = null;

  constructor(
    readonly n: number,
    private readonly snapshotting: boolean,
    private readonly snapshot: (server: number, index: number, bytes: Uint8Array) => void,
  ) {
    this.logs = Array.from({ length: n }, () => new Map<number, LabValue>());
    this.lastApplied = new Array<number>(n).fill(0);
  }

  throwIfFailed(): void {
    if (this.failure !== null) throw new Error(this.failure);
  }

  /** A server restarts: the 3D service restores from its persisted snapshot first. */
  restart(server: number, persistedSnapshot: Uint8Array): void {
    this.logs[server] = new Map<number, LabValue>();
    this.lastApplied[server] = 0;
    if (this.snapshotting && persistedSnapshot.length > 0)
      this.ingest(server, persistedSnapshot, -1);
  }

  apply(server: number, message: ApplyMsg): void {
    if (message.snapshotValid) {
      if (this.snapshotting) this.ingest(server, message.snapshot, message.snapshotIndex);
      return;
    }
    const index = message.commandIndex;
    if (index !== (this.lastApplied[server] ?? 0) + 1) {
      this.raise(
        `server ${server} apply out of order, expected index ${(this.lastApplied[server] ?? 0) + 1}, got ${index}`,
      );
    }
    const value = decodeValue(message.command);
    this.record(server, index, value);
    this.lastApplied[server] = index;
    if (this.snapshotting && (index + 1) % SNAPSHOT_INTERVAL === 0) {
      const log = this.logs[server] as Map<number, LabValue>;
      const commands = Array.from({ length: index }, (_, k) => log.get(k + 1) as LabValue);
      this.snapshot(server, index, encodeServiceSnapshot(index, commands));
    }
  }

  /** How many servers applied something at `index`; fails if they disagree. */
  nCommitted(index: number): { count: number; value: LabValue | undefined } {
    this.throwIfFailed();
    let count = 0;
    let value: LabValue | undefined;
    for (const log of this.logs) {
      if (!log.has(index)) continue;
      const here = log.get(index);
      if (count > 0 && here !== value) {
        throw new Error(
          `committed values do not match: index ${index}, ${String(value)}, ${String(here)}`,
        );
      }
      count++;
      value = here;
    }
    return { count, value };
  }

  private record(server: number, index: number, value: LabValue): void {
    for (let other = 0; other < this.n; other++) {
      const old = this.logs[other]?.get(index);
      if (old !== undefined && old !== value) {
        this.raise(
          `commit index=${index} server=${server} ${String(value)} != server=${other} ${String(old)}`,
        );
      }
    }
    const log = this.logs[server] as Map<number, LabValue>;
    log.set(index, value);
    this.maxIndex = Math.max(this.maxIndex, index);
  }

  private ingest(server: number, bytes: Uint8Array, expectedIndex: number): void {
    let decoded: { lastIncluded: number; commands: LabValue[] };
    try {
      decoded = decodeServiceSnapshot(bytes);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.raise(`server ${server} snapshot Decode() error: ${why}`);
    }
    const { lastIncluded, commands } = decoded;
    if (expectedIndex !== -1 && expectedIndex !== lastIncluded) {
      this.raise(
        `server ${server} snapshot doesn't match SnapshotIndex ${expectedIndex} != ${lastIncluded}`,
      );
    }
    if (expectedIndex !== -1 && lastIncluded < (this.lastApplied[server] ?? 0)) {
      this.raise(
        `server ${server} got snapshot ${lastIncluded}, behind its applied index ${this.lastApplied[server]}`,
      );
    }
    const log = new Map<number, LabValue>();
    commands.forEach((value, k) => log.set(k + 1, value));
    this.logs[server] = log;
    this.lastApplied[server] = lastIncluded;
  }

  private raise(message: string): never {
    this.failure ??= message;
    throw new Error(message);
  }
}
