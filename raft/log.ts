import { fail } from './assert.js';
import { type Entry, type LogIndex, type Term, logIndex } from './types.js';

/**
 * The replicated log behind a snapshot. Callers speak in absolute indexes only: the first real
 * index is 1, and everything at or below `snapshotIndex` lives in the snapshot, of which the log
 * keeps only the last included index and term.
 *
 * Every mutation bumps `version`, so that the node can tell whether the log changed since it was
 * last persisted without trusting each caller to remember.
 */
export class RaftLog {
  // invariant: entries[k] holds index snapshotIndex + 1 + k.
  // invariant: terms never decrease along the log, and none is below snapshotTerm.
  private entries: Entry[];
  private snapshotIndexValue: LogIndex;
  private snapshotTermValue: Term;
  private versionValue = 0;
  /** Lowest index appended, replaced or cut since takeChanges() last ran (for the monitors). */
  private changedFrom = Infinity;
  /** Lowest index appended, replaced or cut since takeUnsaved() last ran (for the saver). */
  private unsavedFrom = Infinity;

  constructor(snapshotIndex: LogIndex, snapshotTerm: Term, entries: readonly Entry[] = []) {
    this.snapshotIndexValue = snapshotIndex;
    this.snapshotTermValue = snapshotTerm;
    this.entries = [];
    this.append(entries);
    this.versionValue = 0;
  }

  /** Grows by one on every change; compared against the version last persisted. */
  get version(): number {
    return this.versionValue;
  }

  /**
   * The lowest index appended, replaced or truncated away since the last call (Infinity if
   * none), and resets it. Compaction into a snapshot is not a change. Only observers use it:
   * the simulator's monitors check the log incrementally with it.
   */
  takeChanges(): number {
    const from = this.changedFrom;
    this.changedFrom = Infinity;
    return from;
  }

  /**
   * Like takeChanges, for the node's own saver: the lowest index appended, replaced or cut since
   * the last call. While the snapshot index stays the same, the entries below it are the ones
   * the last save held, so a save re-encodes only from there (compaction re-encodes nothing:
   * see StateEncoder). Without it each save would compare the whole log.
   */
  takeUnsaved(): number {
    const from = this.unsavedFrom;
    this.unsavedFrom = Infinity;
    return from;
  }

  /** Entries from `index` on were appended, replaced or cut. */
  private changedAt(index: number): void {
    this.changedFrom = Math.min(this.changedFrom, index);
    this.unsavedFrom = Math.min(this.unsavedFrom, index);
  }

  /** The last index covered by the snapshot (0 when there is none). */
  get snapshotIndex(): LogIndex {
    return this.snapshotIndexValue;
  }

  get snapshotTerm(): Term {
    return this.snapshotTermValue;
  }

  get lastIndex(): LogIndex {
    return logIndex(this.snapshotIndexValue + this.entries.length);
  }

  get lastTerm(): Term {
    return this.entries[this.entries.length - 1]?.term ?? this.snapshotTermValue;
  }

  /** Entries held after the snapshot (what gets persisted). */
  get length(): number {
    return this.entries.length;
  }

  /** The term at `index`, known from snapshotIndex (its last included term) to lastIndex. */
  termAt(index: number): Term | undefined {
    if (index === this.snapshotIndexValue) return this.snapshotTermValue;
    return this.entry(index)?.term;
  }

  /** The entry at `index`, or undefined if it is in the snapshot or past the end. */
  entry(index: number): Entry | undefined {
    if (index <= this.snapshotIndexValue) return undefined;
    return this.entries[index - this.snapshotIndexValue - 1];
  }

  /** Up to `max` entries starting at `from`, which must follow the snapshot. */
  slice(from: LogIndex, max: number): Entry[] {
    if (from <= this.snapshotIndexValue) fail(`slice from ${from}: inside the snapshot`);
    if (!(max >= 0)) fail(`slice of ${max} entries`);
    const start = from - this.snapshotIndexValue - 1;
    return this.entries.slice(start, start + max);
  }

  /** Every entry after the snapshot, in order (for persisting and for checkers). */
  all(): readonly Entry[] {
    return this.entries;
  }

  append(entries: readonly Entry[]): void {
    if (entries.length > 0) this.changedAt(this.lastIndex + 1);
    for (const entry of entries) {
      if (entry.term < this.lastTerm) fail(`append term ${entry.term} after ${this.lastTerm}`);
      this.entries.push(entry);
    }
    if (entries.length > 0) this.versionValue++;
  }

  /** Discards every entry after `index` (a conflict with the leader's log). */
  truncateAfter(index: LogIndex): void {
    if (index < this.snapshotIndexValue) fail(`truncate at ${index}: inside the snapshot`);
    if (index >= this.lastIndex) fail(`truncate at ${index}: nothing after it`);
    this.entries.length = index - this.snapshotIndexValue;
    this.changedAt(index + 1);
    this.versionValue++;
  }

  /**
   * A snapshot now covers everything through `index`: drop those entries, keep the rest.
   * `recordedTerm` exists for mutant Z16 only; the correct log records the entry's own term.
   */
  compactThrough(index: LogIndex, recordedTerm?: Term): void {
    const lastTerm = this.termAt(index);
    if (index <= this.snapshotIndexValue)
      fail(`compact to ${index}: not past ${this.snapshotIndex}`);
    if (lastTerm === undefined) fail(`compact to ${index}: past the end ${this.lastIndex}`);
    this.entries = this.entries.slice(index - this.snapshotIndexValue);
    this.snapshotIndexValue = index;
    this.snapshotTermValue = recordedTerm ?? lastTerm;
    const next = this.entries[0];
    if (next !== undefined && next.term < this.snapshotTermValue)
      fail(
        `compact to ${index}: entry ${index + 1} of term ${next.term} after the snapshot's term ${this.snapshotTermValue}`,
      );
    this.versionValue++;
  }

  /** A leader's snapshot replaces a log that does not contain its last entry: start over. */
  resetTo(snapshotIndex: LogIndex, snapshotTerm: Term): void {
    if (snapshotIndex <= this.snapshotIndexValue) fail(`reset to ${snapshotIndex}: not forward`);
    this.changedAt(this.snapshotIndexValue + 1);
    this.entries = [];
    this.snapshotIndexValue = snapshotIndex;
    this.snapshotTermValue = snapshotTerm;
    this.versionValue++;
  }

  /**
   * The first index of the run of entries that share the term at `at` (the XIndex of the fast
   * backup). The run may reach into the snapshot; then the first index after it is the answer.
   */
  firstIndexOfTermAt(at: LogIndex): LogIndex {
    const wanted = this.termAt(at);
    if (wanted === undefined) fail(`firstIndexOfTermAt(${at}): no such entry`);
    let index: number = at;
    while (index - 1 > this.snapshotIndexValue && this.termAt(index - 1) === wanted) index--;
    return logIndex(Math.max(index, this.snapshotIndexValue + 1));
  }

  /** The last index whose term is `wanted`, searching what the log still knows; else undefined. */
  lastIndexOfTerm(wanted: Term): LogIndex | undefined {
    for (let index: number = this.lastIndex; index >= this.snapshotIndexValue; index--) {
      const found = this.termAt(index) as Term;
      if (found === wanted) return logIndex(index);
      if (found < wanted) return undefined; // terms only grow: it is not further back either
    }
    return undefined;
  }

  /** §5.4.1: is a log ending at (lastTerm, lastIndex) at least as up to date as this one? */
  isBehindOrEqualTo(lastTerm: Term, lastIndex: LogIndex): boolean {
    if (lastTerm !== this.lastTerm) return lastTerm > this.lastTerm;
    return lastIndex >= this.lastIndex;
  }
}
