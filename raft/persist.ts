import {
  ByteReader,
  ByteWriter,
  CRC_START,
  DecodeError,
  allocate,
  crc32,
  crcFinish,
  crcShift,
  crcUpdate,
} from './bytes.js';
import {
  type Entry,
  type LogIndex,
  type NodeId,
  type Term,
  logIndex,
  nodeId,
  term,
} from './types.js';
import { fail } from './assert.js';

/**
 * The durable half of a node (Figure 2's persistent state, plus §7's last included index and
 * term). Saved as:
 *
 *   'R' 'S'  version(1 byte)  totalLength(uint32 LE)  entries  trailer  crc32(uint32 LE)
 *
 * entries = for each log entry, its term (varint) and command (length-prefixed bytes).
 * trailer = fixed width: entries byte length, entry count, currentTerm, votedFor + 1 (0 = none),
 * snapshotIndex, snapshotTerm, snapshot length, snapshot crc32. The checksum covers entries and
 * trailer; the header is checked field by field. The log comes first and the fields that change
 * on every save come last so that the checksum of the log can be carried from save to save and
 * only the trailer summed again: a save costs O(new entries), not O(log).
 *
 * The snapshot itself is stored beside this state by the host; its length and checksum are
 * recorded here so that a mismatched pair is caught at boot.
 */
export interface PersistentState {
  readonly currentTerm: Term;
  readonly votedFor: NodeId | null;
  readonly snapshotIndex: LogIndex;
  readonly snapshotTerm: Term;
  readonly entries: readonly Entry[];
}

/** Saved state that cannot be trusted: the message says what is wrong with it. */
export class CorruptStateError extends Error {
  override readonly name = 'CorruptStateError';
}

/** Why a node refuses to boot, if `error` is its refusal to trust damaged saved state. */
export function bootRefusal(error: unknown): string | null {
  return error instanceof CorruptStateError ? error.message : null;
}

/** The fields of a saved state that the durability monitor judges replies against. */
export interface SavedSummary {
  readonly term: number;
  readonly votedFor: number | null;
  readonly snapshotIndex: number;
  readonly lastLogIndex: number;
}

const NOTHING_SAVED: SavedSummary = {
  term: 0,
  votedFor: null,
  snapshotIndex: 0,
  lastLogIndex: 0,
};

/**
 * Reads the fixed-width trailer of bytes encodeState wrote, in O(1) and without checking them
 * (they are what a node has just saved): what the monitors learn from a save. Empty bytes are
 * a node that saved nothing yet; bytes too short to hold a trailer give null.
 */
export function readSavedSummary(bytes: Uint8Array): SavedSummary | null {
  if (bytes.length === 0) return NOTHING_SAVED;
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES + CRC_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = bytes.length - CRC_BYTES - TRAILER_BYTES;
  const vote = view.getUint32(at + 8, true);
  const snapshotIndex = view.getFloat64(at + 28, true);
  return {
    term: view.getFloat64(at + 20, true),
    votedFor: vote === 0 ? null : vote - 1,
    snapshotIndex,
    lastLogIndex: snapshotIndex + view.getUint32(at + 4, true),
  };
}

const MAGIC_0 = 0x52; // 'R'
const MAGIC_1 = 0x53; // 'S'
export const STATE_FORMAT_VERSION = 2;
const HEADER_BYTES = 7;
/** entriesBytes, entryCount, votedFor + 1, snapshotLength, snapshotCrc: 4 bytes each; 3 × 8. */
const TRAILER_BYTES = 5 * 4 + 3 * 8;
const CRC_BYTES = 4;

/**
 * Where a save's fixed-width fields are laid out before being copied into place (saves are
 * synchronous and never nested): no DataView per save.
 */
const TRAILER = new Uint8Array(TRAILER_BYTES);
const TRAILER_VIEW = new DataView(TRAILER.buffer);

/** A 32-bit unsigned integer, little-endian, at `at`. */
function putUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = (value >>> 24) & 0xff;
}

export function encodeState(state: PersistentState, snapshot: Uint8Array): Uint8Array {
  return new StateEncoder().encode(state, snapshot);
}

/**
 * Encodes the successive states of one node. Persisting happens after nearly every change: the
 * encoder keeps the encoded entries with the running checksum after each one, and re-encodes
 * only from the first entry that changed (logs change by appending, truncating and compacting).
 * A save is then one copy of the log bytes plus a trailer.
 *
 * Compaction drops entries from the front, which would change every running checksum after
 * them. Instead the checksums stay as they were ("absolute": over the bytes from where the
 * encoding began), and the checksum of the live log is derived when it is needed: CRC-32's
 * running state is linear, so the state over the live bytes alone is the absolute one plus the
 * base state shifted past those bytes (crcShift). Without this a service that snapshots after
 * every entry, under a tail that cannot commit, re-encoded the whole tail on every save.
 */
export class StateEncoder {
  private readonly encoded = new ByteWriter(256);
  /**
   * The entries whose encodings `encoded` holds, where each ends, and the absolute CRC state
   * there. The first `dropped` of them are compacted away and wait to be removed in a batch.
   */
  private entries: Entry[] = [];
  private ends: number[] = [];
  private crcs: number[] = [];
  private dropped = 0;
  /** Where the live log's bytes start in `encoded`, and the absolute CRC state there. */
  private startByte = 0;
  private baseCrc = CRC_START;
  private snapshotIndex = -1;
  /** The snapshot last seen (snapshots are replaced, never changed in place) and its CRC. */
  private snapshot: Uint8Array | null = null;
  private snapshotCrc = 0;

  /**
   * `firstChanged` is the lowest log index changed since the last encode, when the caller knows
   * it (RaftLog.takeUnsaved); without it, the entries are compared one by one from the start.
   */
  encode(state: PersistentState, snapshot: Uint8Array, firstChanged?: number): Uint8Array {
    this.update(state, firstChanged);
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.snapshotCrc = crc32(snapshot);
    }
    const logBytes = this.encoded.length - this.startByte;
    const total = HEADER_BYTES + logBytes + TRAILER_BYTES + CRC_BYTES;
    const out = allocate(total);
    out[0] = MAGIC_0;
    out[1] = MAGIC_1;
    out[2] = STATE_FORMAT_VERSION;
    putUint32(out, 3, total);
    this.encoded.copyTo(out, HEADER_BYTES, this.startByte);
    TRAILER_VIEW.setUint32(0, logBytes, true);
    TRAILER_VIEW.setUint32(4, state.entries.length, true);
    TRAILER_VIEW.setUint32(8, state.votedFor === null ? 0 : state.votedFor + 1, true);
    TRAILER_VIEW.setUint32(12, snapshot.length, true);
    TRAILER_VIEW.setUint32(16, this.snapshotCrc, true);
    TRAILER_VIEW.setFloat64(20, state.currentTerm, true);
    TRAILER_VIEW.setFloat64(28, state.snapshotIndex, true);
    TRAILER_VIEW.setFloat64(36, state.snapshotTerm, true);
    const at = HEADER_BYTES + logBytes;
    out.set(TRAILER, at);
    const crc = crcFinish(crcUpdate(this.liveLogCrc(logBytes), out, at, at + TRAILER_BYTES));
    putUint32(out, at + TRAILER_BYTES, crc);
    return out;
  }

  /** The running CRC state over the live log's bytes alone, from CRC_START. */
  private liveLogCrc(logBytes: number): number {
    return this.lastCrc() ^ crcShift(this.baseCrc ^ CRC_START, logBytes);
  }

  /** The absolute CRC state after the last live entry (at the live log's start if none). */
  private lastCrc(): number {
    const count = this.crcs.length;
    return count > this.dropped ? (this.crcs[count - 1] as number) : this.baseCrc;
  }

  private update(state: PersistentState, firstChanged: number | undefined): void {
    const gone = state.snapshotIndex - this.snapshotIndex;
    const held = this.entries.length - this.dropped;
    if (this.snapshotIndex >= 0 && gone > 0 && gone <= held && this.isSuffix(state, gone)) {
      this.dropFront(gone);
    } else if (gone !== 0) {
      this.clear();
    }
    this.snapshotIndex = state.snapshotIndex;
    const live = this.entries.length - this.dropped;
    const limit = Math.min(live, state.entries.length);
    let keep = 0;
    if (firstChanged === undefined) {
      while (keep < limit && state.entries[keep] === this.entries[this.dropped + keep]) keep++;
    } else keep = Math.max(0, Math.min(limit, firstChanged - state.snapshotIndex - 1));
    // invariant: the entries kept are the ones encoded (a cheap check of the caller's index).
    if (keep > 0 && state.entries[keep - 1] !== this.entries[this.dropped + keep - 1])
      fail(`save: entry ${state.snapshotIndex + keep} changed, yet before ${firstChanged}`);
    this.truncate(this.dropped + keep);
    let crc = this.lastCrc();
    for (let k = keep; k < state.entries.length; k++) {
      const entry = state.entries[k] as Entry;
      const from = this.encoded.length;
      this.encoded.varint(entry.term);
      this.encoded.bytes(entry.command);
      crc = this.encoded.crcFrom(crc, from);
      this.entries.push(entry);
      this.ends.push(this.encoded.length);
      this.crcs.push(crc);
    }
  }

  /** Whether the new log is ours with its first `gone` entries compacted away. */
  private isSuffix(state: PersistentState, gone: number): boolean {
    const at = this.dropped + gone;
    return (
      state.entries.length === 0 ||
      at === this.entries.length ||
      state.entries[0] === this.entries[at]
    );
  }

  /** Forgets all but the first `count` entries held (compacted ones included). */
  private truncate(count: number): void {
    this.entries.length = count;
    this.ends.length = count;
    this.crcs.length = count;
    this.encoded.truncate(count > this.dropped ? (this.ends[count - 1] as number) : this.startByte);
  }

  /**
   * Compacts the first `count` live entries: they stay until they are at least half of what is
   * held, then go in one move, so each entry is moved at most once on average.
   */
  private dropFront(count: number): void {
    this.dropped += count;
    const last = this.dropped - 1;
    this.startByte = this.ends[last] as number;
    this.baseCrc = this.crcs[last] as number;
    if (this.dropped * 2 < this.entries.length) return;
    this.encoded.dropFront(this.startByte);
    this.entries.splice(0, this.dropped);
    this.crcs.splice(0, this.dropped);
    this.ends.splice(0, this.dropped);
    for (let k = 0; k < this.ends.length; k++)
      this.ends[k] = (this.ends[k] as number) - this.startByte;
    this.dropped = 0;
    this.startByte = 0;
  }

  private clear(): void {
    this.entries.length = 0;
    this.ends.length = 0;
    this.crcs.length = 0;
    this.encoded.truncate(0);
    this.dropped = 0;
    this.startByte = 0;
    this.baseCrc = CRC_START;
  }
}

/**
 * Reads what encodeState wrote, and checks it against the snapshot saved beside it and the
 * cluster size. Throws CorruptStateError naming the first problem found.
 */
export function decodeState(
  bytes: Uint8Array,
  snapshot: Uint8Array,
  nodes: number,
): PersistentState {
  checkFrame(bytes);
  let state: PersistentState;
  try {
    state = readBody(bytes, snapshot);
  } catch (error) {
    if (error instanceof DecodeError) throw new CorruptStateError(`raft state: ${error.message}`);
    throw error;
  }
  checkMeaning(state, nodes);
  return state;
}

function checkFrame(bytes: Uint8Array): void {
  const fail = (what: string): never => {
    throw new CorruptStateError(`raft state: ${what}`);
  };
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES + CRC_BYTES)
    fail(`truncated: ${bytes.length} bytes is too short`);
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) fail('bad magic: not a raftsim state');
  if (bytes[2] !== STATE_FORMAT_VERSION) fail(`unsupported format version ${bytes[2]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const expected = view.getUint32(3, true);
  if (bytes.length < expected) fail(`truncated: ${bytes.length} of ${expected} bytes`);
  if (bytes.length > expected) fail(`${bytes.length - expected} trailing bytes after the checksum`);
  const stored = view.getUint32(expected - CRC_BYTES, true);
  const computed = crcFinish(crcUpdate(CRC_START, bytes, HEADER_BYTES, expected - CRC_BYTES));
  if (stored !== computed)
    fail(`checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)})`);
}

function readBody(bytes: Uint8Array, snapshot: Uint8Array): PersistentState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = bytes.length - CRC_BYTES - TRAILER_BYTES;
  const entriesBytes = view.getUint32(at, true);
  const entryCount = view.getUint32(at + 4, true);
  const vote = view.getUint32(at + 8, true);
  const snapshotLength = view.getUint32(at + 12, true);
  const snapshotCrc = view.getUint32(at + 16, true);
  const currentTerm = term(safeInteger(view.getFloat64(at + 20, true), 'currentTerm'));
  const snapshotIndex = logIndex(safeInteger(view.getFloat64(at + 28, true), 'snapshotIndex'));
  const snapshotTerm = term(safeInteger(view.getFloat64(at + 36, true), 'snapshotTerm'));
  if (HEADER_BYTES + entriesBytes !== at) {
    throw new DecodeError(
      `the log is ${at - HEADER_BYTES} bytes but the trailer says ${entriesBytes}`,
    );
  }
  const entries = readLog(new ByteReader(bytes.subarray(HEADER_BYTES, at)), entryCount);
  if (snapshotLength !== snapshot.length || snapshotCrc !== crc32(snapshot)) {
    throw new CorruptStateError(
      `snapshot does not match the raft state (expected ${snapshotLength} bytes with crc ` +
        `${hex(snapshotCrc)}, found ${snapshot.length} bytes with crc ${hex(crc32(snapshot))})`,
    );
  }
  const votedFor = vote === 0 ? null : nodeId(vote - 1);
  return { currentTerm, votedFor, snapshotIndex, snapshotTerm, entries };
}

function readLog(input: ByteReader, count: number): Entry[] {
  const entries: Entry[] = [];
  for (let k = 0; k < count; k++) {
    entries.push({ term: term(input.varint('entry term')), command: input.bytes('entry command') });
  }
  input.end('log entries');
  return entries;
}

function safeInteger(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new DecodeError(`${field} ${value} is not an integer >= 0`);
  return value;
}

function checkMeaning(state: PersistentState, nodes: number): void {
  const fail = (what: string): never => {
    throw new CorruptStateError(`raft state: ${what}`);
  };
  if (state.votedFor !== null && state.votedFor >= nodes) {
    fail(`votedFor ${state.votedFor} is not a node of a ${nodes}-node cluster`);
  }
  if (state.snapshotTerm > state.currentTerm) {
    fail(`snapshot term ${state.snapshotTerm} is after currentTerm ${state.currentTerm}`);
  }
  if (state.snapshotIndex === 0 && state.snapshotTerm !== 0) {
    fail(`snapshot term ${state.snapshotTerm} without a snapshot`);
  }
  let previous = state.snapshotTerm;
  state.entries.forEach((entry, k) => {
    const at = state.snapshotIndex + 1 + k;
    if (entry.term < previous) fail(`log term goes down at index ${at}`);
    if (entry.term > state.currentTerm)
      fail(`log term ${entry.term} at ${at} is after currentTerm`);
    if (entry.term === 0) fail(`log entry ${at} has term 0`);
    previous = entry.term;
  });
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
