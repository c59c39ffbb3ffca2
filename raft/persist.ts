import { ByteReader, ByteWriter, DecodeError, crc32 } from './bytes.js';
import { readEntries } from './codec.js';
import {
  type Entry,
  type LogIndex,
  type NodeId,
  type Term,
  logIndex,
  nodeId,
  term,
} from './types.js';

/**
 * The durable half of a node (Figure 2's persistent state, plus §7's last included index and
 * term). Saved as:
 *
 *   'R' 'S'  version(1 byte)  bodyLength(uint32 LE)  body  crc32(uint32 LE, over all before it)
 *
 * body = currentTerm, votedFor + 1 (0 = none), snapshotIndex, snapshotTerm, snapshotLength,
 * snapshotCrc (uint32), entries. The snapshot itself is stored beside this state by the host;
 * its length and checksum are recorded here so that a mismatched pair is caught at boot.
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

const MAGIC_0 = 0x52; // 'R'
const MAGIC_1 = 0x53; // 'S'
export const STATE_FORMAT_VERSION = 1;
const HEADER_BYTES = 7;
const CRC_BYTES = 4;

export function encodeState(state: PersistentState, snapshot: Uint8Array): Uint8Array {
  return new StateEncoder().encode(state, snapshot);
}

/**
 * Encodes the successive states of one node. Persisting happens after nearly every change, and
 * re-encoding a long log each time would cost O(log length) varint work per save: the encoder
 * keeps the encoded entries and re-encodes only those after the first entry that is not the
 * same object as before (logs change by appending, truncating and compacting).
 */
export class StateEncoder {
  private readonly encoded = new ByteWriter(256);
  /** The entries whose encodings `encoded` holds, and where each one ends. */
  private entries: Entry[] = [];
  private ends: number[] = [];
  private snapshotIndex = -1;
  /** The snapshot last seen (snapshots are replaced, never changed in place) and its CRC. */
  private snapshot: Uint8Array | null = null;
  private snapshotCrc = 0;

  encode(state: PersistentState, snapshot: Uint8Array): Uint8Array {
    this.update(state);
    const body = new ByteWriter(48 + this.encoded.length);
    body.varint(state.currentTerm);
    body.varint(state.votedFor === null ? 0 : state.votedFor + 1);
    body.varint(state.snapshotIndex);
    body.varint(state.snapshotTerm);
    body.varint(snapshot.length);
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.snapshotCrc = crc32(snapshot);
    }
    body.uint32(this.snapshotCrc);
    body.varint(state.entries.length);
    body.raw(this.encoded.view());
    const bodyBytes = body.view();
    const out = new ByteWriter(HEADER_BYTES + bodyBytes.length + CRC_BYTES);
    out.byte(MAGIC_0);
    out.byte(MAGIC_1);
    out.byte(STATE_FORMAT_VERSION);
    out.uint32(bodyBytes.length);
    out.raw(bodyBytes);
    out.uint32(crc32(out.view()));
    return out.finish();
  }

  private update(state: PersistentState): void {
    let keep = 0;
    if (state.snapshotIndex === this.snapshotIndex) {
      const limit = Math.min(this.entries.length, state.entries.length);
      while (keep < limit && state.entries[keep] === this.entries[keep]) keep++;
    }
    this.snapshotIndex = state.snapshotIndex;
    this.entries.length = keep;
    this.ends.length = keep;
    this.encoded.truncate(keep === 0 ? 0 : (this.ends[keep - 1] as number));
    for (let k = keep; k < state.entries.length; k++) {
      const entry = state.entries[k] as Entry;
      this.encoded.varint(entry.term);
      this.encoded.bytes(entry.command);
      this.entries.push(entry);
      this.ends.push(this.encoded.length);
    }
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
  const input = new ByteReader(bytes.subarray(HEADER_BYTES, bytes.length - CRC_BYTES));
  let state: PersistentState;
  try {
    state = readBody(input, snapshot);
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
  if (bytes.length < HEADER_BYTES + CRC_BYTES)
    fail(`truncated: ${bytes.length} bytes is too short`);
  if (bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1) fail('bad magic: not a raftsim state');
  if (bytes[2] !== STATE_FORMAT_VERSION) fail(`unsupported format version ${bytes[2]}`);
  const bodyLength = new ByteReader(bytes.subarray(3, HEADER_BYTES)).uint32('body length');
  const expected = HEADER_BYTES + bodyLength + CRC_BYTES;
  if (bytes.length < expected) fail(`truncated: ${bytes.length} of ${expected} bytes`);
  if (bytes.length > expected) fail(`${bytes.length - expected} trailing bytes after the checksum`);
  const stored = new ByteReader(bytes.subarray(expected - CRC_BYTES)).uint32('checksum');
  const computed = crc32(bytes, 0, expected - CRC_BYTES);
  if (stored !== computed)
    fail(`checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)})`);
}

function readBody(input: ByteReader, snapshot: Uint8Array): PersistentState {
  const currentTerm = term(input.varint('currentTerm'));
  const vote = input.varint('votedFor');
  const snapshotIndex = logIndex(input.varint('snapshotIndex'));
  const snapshotTerm = term(input.varint('snapshotTerm'));
  const snapshotLength = input.varint('snapshot length');
  const snapshotCrc = input.uint32('snapshot checksum');
  const entries = readEntries(input, 'log entries');
  input.end('raft state');
  if (snapshotLength !== snapshot.length || snapshotCrc !== crc32(snapshot)) {
    throw new CorruptStateError(
      `snapshot does not match the raft state (expected ${snapshotLength} bytes with crc ` +
        `${hex(snapshotCrc)}, found ${snapshot.length} bytes with crc ${hex(crc32(snapshot))})`,
    );
  }
  const votedFor = vote === 0 ? null : nodeId(vote - 1);
  return { currentTerm, votedFor, snapshotIndex, snapshotTerm, entries };
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
