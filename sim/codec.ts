import { Packr } from 'msgpackr';

/**
 * How a program's messages cross the network: encoded on send, decoded on delivery, so that no
 * object is ever shared between two nodes and every byte on the wire is counted.
 */
export interface Codec<M> {
  encode(message: M): Uint8Array;
  decode(bytes: Uint8Array): M;
}

/**
 * The generic codec: MessagePack via msgpackr, for programs without a hand-written codec of
 * their own (the Raft core brings its own, see raft/codec.ts). Records are off so that the
 * bytes depend on the message alone, never on what was encoded before.
 */
export function msgpackCodec<M>(): Codec<M> {
  const packr = new Packr({ useRecords: false, moreTypes: false });
  return {
    encode: (message) => packr.pack(message),
    decode: (bytes) => packr.unpack(bytes) as M,
  };
}

/** JSON through UTF-8 bytes: the slow baseline the benchmark compares against. */
export function jsonCodec<M>(): Codec<M> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    encode: (message) => encoder.encode(JSON.stringify(message)),
    decode: (bytes) => JSON.parse(decoder.decode(bytes)) as M,
  };
}
