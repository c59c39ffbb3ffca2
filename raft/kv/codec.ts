import { ByteReader, DecodeError, scratchWriter, type ByteWriter } from '../bytes.js';
import { raftCodec, type Codec } from '../codec.js';
import type { RaftMessage } from '../messages.js';
import type { KvCommand, KvMessage, KvOp, KvWireErr } from './types.js';

/** Everything that crosses the network of a key/value cluster. */
export type KvWire = RaftMessage | KvMessage;

// Raft's tags are small numbers; the service's start at 0x40 so one byte tells them apart.
const REQUEST_TAG = 0x40;
const REPLY_TAG = 0x41;
const scratch = scratchWriter();
const ERRS: readonly KvWireErr[] = ['OK', 'ErrNoKey', 'ErrVersion', 'ErrMaybe', 'ErrWrongLeader'];

const OP_KINDS: readonly KvOp['kind'][] = ['get', 'put', 'append'];

function writeOp(out: ByteWriter, op: KvOp): void {
  out.byte(OP_KINDS.indexOf(op.kind));
  out.text(op.key);
  if (op.kind === 'get') return;
  out.text(op.value);
  if (op.kind === 'put') out.varint(op.version);
}

function readOp(input: ByteReader): KvOp {
  const kind = input.byte('op kind');
  const key = input.text('key');
  if (kind === 0) return { kind: 'get', key };
  if (kind !== 1 && kind !== 2) throw new DecodeError(`op kind ${kind} unknown`);
  const value = input.text('value');
  if (kind === 2) return { kind: 'append', key, value };
  return { kind: 'put', key, value, version: input.varint('version') };
}

/** A log command's bytes: clerk, request number, operation. */
export function encodeCommand(command: KvCommand): Uint8Array {
  const out = scratch();
  out.varint(command.clerk);
  out.varint(command.seq);
  writeOp(out, command.op);
  return out.finish();
}

export function decodeCommand(bytes: Uint8Array): KvCommand {
  const input = new ByteReader(bytes);
  const clerk = input.varint('clerk');
  const seq = input.varint('seq');
  const op = readOp(input);
  input.end('kv command');
  return { clerk, seq, op };
}

function encodeKv(message: KvMessage): Uint8Array {
  const out = scratch();
  if (message.type === 'KvRequest') {
    out.byte(REQUEST_TAG);
    out.varint(message.seq);
    writeOp(out, message.op);
  } else {
    out.byte(REPLY_TAG);
    out.varint(message.seq);
    out.byte(ERRS.indexOf(message.err));
    out.text(message.value);
    out.varint(message.version);
  }
  return out.finish();
}

function decodeKv(bytes: Uint8Array): KvMessage {
  const input = new ByteReader(bytes);
  const tag = input.byte('kv tag');
  const seq = input.varint('seq');
  let message: KvMessage;
  if (tag === REQUEST_TAG) {
    message = { type: 'KvRequest', seq, op: readOp(input) };
  } else {
    const err = ERRS[input.byte('err')];
    if (err === undefined) throw new DecodeError('kv reply: unknown err');
    const value = input.text('value');
    message = { type: 'KvReply', seq, err, value, version: input.varint('version') };
  }
  input.end(message.type);
  return message;
}

export function isKvMessage(message: KvWire): message is KvMessage {
  return message.type === 'KvRequest' || message.type === 'KvReply';
}

/** Raft's codec for Raft messages, the service's for clerk traffic. */
export const kvWireCodec: Codec<KvWire> = {
  encode: (message) => (isKvMessage(message) ? encodeKv(message) : raftCodec.encode(message)),
  decode: (bytes) => ((bytes[0] ?? 0) >= REQUEST_TAG ? decodeKv(bytes) : raftCodec.decode(bytes)),
};
