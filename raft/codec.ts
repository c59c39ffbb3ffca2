import { unreachable } from './assert.js';
import { ByteReader, DecodeError, scratchWriter, type ByteWriter } from './bytes.js';
import type {
  AppendEntries,
  AppendEntriesReply,
  InstallSnapshot,
  RaftMessage,
} from './messages.js';
import { type Entry, type LogIndex, type Term, logIndex, term } from './types.js';

/**
 * The hand-written wire format: one tag byte, then the fields as varints in declaration order.
 * Entries are (term, length-prefixed command). Compact, and the bytes depend on the message
 * alone, so the network's byte counts are deterministic.
 */
export interface Codec<M> {
  encode(message: M): Uint8Array;
  decode(bytes: Uint8Array): M;
}

const TAGS = {
  RequestVote: 1,
  RequestVoteReply: 2,
  AppendEntries: 3,
  AppendEntriesReply: 4,
  InstallSnapshot: 5,
  InstallSnapshotReply: 6,
} as const;

export const raftCodec: Codec<RaftMessage> = { encode: encodeMessage, decode: decodeMessage };

const scratch = scratchWriter();

export function encodeMessage(message: RaftMessage): Uint8Array {
  const out = scratch();
  out.byte(TAGS[message.type]);
  out.varint(message.term);
  switch (message.type) {
    case 'RequestVote':
      out.varint(message.lastLogIndex);
      out.varint(message.lastLogTerm);
      break;
    case 'RequestVoteReply':
      out.byte(message.voteGranted ? 1 : 0);
      break;
    case 'AppendEntries':
      writeAppendEntries(out, message);
      break;
    case 'AppendEntriesReply':
      writeAppendReply(out, message);
      break;
    case 'InstallSnapshot':
      writeInstallSnapshot(out, message);
      break;
    case 'InstallSnapshotReply':
      out.varint(message.lastIncludedIndex);
      break;
    default:
      unreachable(message);
  }
  return out.finish();
}

function writeAppendEntries(out: ByteWriter, message: AppendEntries): void {
  out.varint(message.prevLogIndex);
  out.varint(message.prevLogTerm);
  out.varint(message.leaderCommit);
  writeEntries(out, message.entries);
}

function writeAppendReply(out: ByteWriter, message: AppendEntriesReply): void {
  out.varint(message.prevLogIndex);
  if (message.success) {
    out.byte(1);
    out.varint(message.matchIndex);
    return;
  }
  out.byte(0);
  out.varint(message.xTerm);
  out.varint(message.xIndex);
  out.varint(message.xLen);
}

function writeInstallSnapshot(out: ByteWriter, message: InstallSnapshot): void {
  out.varint(message.lastIncludedIndex);
  out.varint(message.lastIncludedTerm);
  out.bytes(message.data);
}

export function writeEntries(out: ByteWriter, entries: readonly Entry[]): void {
  out.varint(entries.length);
  for (const entry of entries) {
    out.varint(entry.term);
    out.bytes(entry.command);
  }
}

export function readEntries(input: ByteReader, field: string): Entry[] {
  const count = input.varint(`${field} count`);
  // Every entry takes at least two bytes: a count beyond that is corruption, not a huge log.
  if (count * 2 > input.remaining) throw new DecodeError(`truncated: ${count} ${field}`);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const entryTerm = term(input.varint(`${field}[${i}] term`));
    entries.push({ term: entryTerm, command: input.bytes(`${field}[${i}] command`) });
  }
  return entries;
}

/** Throws DecodeError naming the field when the bytes are not a message this codec wrote. */
export function decodeMessage(bytes: Uint8Array): RaftMessage {
  const input = new ByteReader(bytes);
  const tag = input.byte('message tag');
  const messageTerm = term(input.varint('term'));
  const message = readBody(input, tag, messageTerm);
  input.end(message.type);
  return message;
}

function readBody(input: ByteReader, tag: number, messageTerm: Term): RaftMessage {
  const index = (field: string): LogIndex => logIndex(input.varint(field));
  switch (tag) {
    case TAGS.RequestVote:
      return {
        type: 'RequestVote',
        term: messageTerm,
        lastLogIndex: index('lastLogIndex'),
        lastLogTerm: term(input.varint('lastLogTerm')),
      };
    case TAGS.RequestVoteReply:
      return { type: 'RequestVoteReply', term: messageTerm, voteGranted: readFlag(input, 'vote') };
    case TAGS.AppendEntries:
      return {
        type: 'AppendEntries',
        term: messageTerm,
        prevLogIndex: index('prevLogIndex'),
        prevLogTerm: term(input.varint('prevLogTerm')),
        leaderCommit: index('leaderCommit'),
        entries: readEntries(input, 'entries'),
      };
    case TAGS.AppendEntriesReply:
      return readAppendReply(input, messageTerm);
    case TAGS.InstallSnapshot:
      return {
        type: 'InstallSnapshot',
        term: messageTerm,
        lastIncludedIndex: index('lastIncludedIndex'),
        lastIncludedTerm: term(input.varint('lastIncludedTerm')),
        data: input.bytes('snapshot data'),
      };
    case TAGS.InstallSnapshotReply:
      return {
        type: 'InstallSnapshotReply',
        term: messageTerm,
        lastIncludedIndex: index('lastIncludedIndex'),
      };
    default:
      throw new DecodeError(`unknown message tag ${tag}`);
  }
}

function readAppendReply(input: ByteReader, messageTerm: Term): AppendEntriesReply {
  const prevLogIndex = logIndex(input.varint('prevLogIndex'));
  if (readFlag(input, 'success')) {
    const matchIndex = logIndex(input.varint('matchIndex'));
    return {
      type: 'AppendEntriesReply',
      term: messageTerm,
      success: true,
      prevLogIndex,
      matchIndex,
    };
  }
  return {
    type: 'AppendEntriesReply',
    term: messageTerm,
    success: false,
    prevLogIndex,
    xTerm: term(input.varint('xTerm')),
    xIndex: logIndex(input.varint('xIndex')),
    xLen: logIndex(input.varint('xLen')),
  };
}

function readFlag(input: ByteReader, field: string): boolean {
  const value = input.byte(field);
  if (value > 1) throw new DecodeError(`${field}: flag byte ${value} is neither 0 nor 1`);
  return value === 1;
}
