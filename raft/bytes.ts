/**
 * The wire and disk format's building blocks: unsigned LEB128 varints (up to 2^53 - 1, done
 * with arithmetic rather than 32-bit bit operations), length-prefixed byte strings, and CRC-32.
 */

/** Bytes that cannot be read as what they claim to be; the message names the field. */
const UTF8 = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true });
/** Strings longer than this are encoded natively (ByteWriter.text). */
const LONG_TEXT = 64;
/** Texts up to this long are decoded a character at a time, cheaper than a decoder call. */
const SHORT_TEXT = 12;

function decodeUtf8(bytes: Uint8Array, field: string): string {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch {
    throw new DecodeError(`${field}: not valid UTF-8`);
  }
}

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/**
 * A decode that failed while a node handled an input (the service reading a snapshot Raft gave
 * it, say) is that node's panic: a Go server panics when labgob cannot decode what it was given.
 */
export function decodePanic(error: unknown): string | null {
  return error instanceof DecodeError ? `could not decode: ${error.message}` : null;
}

/** Slabs are this big; anything larger gets an array of its own. */
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/**
 * A fresh, zeroed byte array that the caller owns: carved from a slab that is never written
 * again, so it stays as immutable as a separate allocation, at a fraction of the cost (encoded
 * messages and saved states are many and small). A slab is freed once no array refers to it.
 */
export function allocate(length: number): Uint8Array {
  if (length > SLAB_BYTES / 4) return new Uint8Array(length);
  if (slabUsed + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += length;
  return out;
}

/**
 * One writer reused by every encoder of a module: encoding is synchronous and never nested, and
 * finish() hands out a copy, so a message costs one allocation instead of two.
 */
export function scratchWriter(): () => ByteWriter {
  const writer = new ByteWriter(1024);
  return () => {
    writer.truncate(0);
    return writer;
  };
}

/** The bytes ByteWriter.varint takes for `value`. */
function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

export class ByteWriter {
  private buffer: Uint8Array;
  private used = 0;

  constructor(capacity = 64) {
    this.buffer = new Uint8Array(capacity);
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.used++] = value & 0xff;
  }

  /** A non-negative safe integer, 7 bits a byte, low bits first. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`varint: ${value} is not a safe integer >= 0`);
    }
    let rest = value;
    while (rest >= 0x80) {
      this.byte((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.byte(rest);
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.raw(value);
  }

  /**
   * A string as length-prefixed UTF-8. Keys and values are mostly ASCII: those are copied a
   * character at a time, which is several times cheaper than a TextEncoder call.
   */
  text(value: string): void {
    const n = value.length;
    if (n > LONG_TEXT) {
      this.longText(value);
      return;
    }
    let ascii = true;
    for (let i = 0; i < n && ascii; i++) ascii = value.charCodeAt(i) < 0x80;
    if (!ascii) {
      this.bytes(UTF8.encode(value));
      return;
    }
    this.varint(n);
    this.reserve(n);
    for (let i = 0; i < n; i++) this.buffer[this.used + i] = value.charCodeAt(i);
    this.used += n;
  }

  /**
   * A long string (a value grown by appends, in every snapshot of it): encodeInto writes it in
   * native code, several times faster than the loop above, straight after room left for its
   * length. The length's size is a guess (the characters' count); text that is not ASCII may
   * need a longer prefix, and then the bytes move up to make room.
   */
  private longText(value: string): void {
    const guess = varintSize(value.length);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(varintSize(3 * value.length) + 3 * value.length);
    const start = this.used + guess;
    const { written } = UTF8.encodeInto(value, this.buffer.subarray(start));
    const prefix = varintSize(written);
    if (prefix !== guess) this.buffer.copyWithin(this.used + prefix, start, start + written);
    this.varint(written);
    this.used += written;
  }

  /** Bytes as they are, without a length prefix. */
  raw(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.used);
    this.used += value.length;
  }

  /** A 32-bit unsigned integer, little-endian, fixed width (checksums). */
  uint32(value: number): void {
    for (let shift = 0; shift < 32; shift += 8) this.byte(value >>> shift);
  }

  get length(): number {
    return this.used;
  }

  /** Forgets everything after the first `length` bytes. */
  truncate(length: number): void {
    if (length < 0 || length > this.used)
      throw new RangeError(`truncate to ${length} of ${this.used}`);
    this.used = length;
  }

  /** The bytes written so far, as a view that the next write may change. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.used);
  }

  /** The bytes written so far, as a fresh array the caller owns. */
  finish(): Uint8Array {
    const out = allocate(this.used);
    this.copyTo(out, 0);
    return out;
  }

  /**
   * Copies the bytes written so far (from byte `from` on) into `out` at `at`. Short runs (most messages) go byte by
   * byte: a subarray for set() would be one more object per message.
   */
  copyTo(out: Uint8Array, at: number, from = 0): void {
    const used = this.used;
    if (used - from > 64) {
      out.set(this.buffer.subarray(from, used), at);
      return;
    }
    const buffer = this.buffer;
    for (let i = from; i < used; i++) out[at + i - from] = buffer[i] as number;
  }

  /** Forgets the first `length` bytes: the rest move to the front. */
  dropFront(length: number): void {
    if (length < 0 || length > this.used)
      throw new RangeError(`drop ${length} of ${this.used} bytes`);
    this.buffer.copyWithin(0, length, this.used);
    this.used -= length;
  }

  /** crcUpdate over the bytes written from `from` on. */
  crcFrom(crc: number, from: number): number {
    return crcUpdate(crc, this.buffer, from, this.used);
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.used + extra));
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
  }
}

export class ByteReader {
  private offset = 0;

  constructor(private readonly buffer: Uint8Array) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  byte(field: string): number {
    const value = this.buffer[this.offset];
    if (value === undefined) throw new DecodeError(`truncated: ${field} is missing`);
    this.offset++;
    return value;
  }

  varint(field: string): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const next = this.byte(field);
      value += (next & 0x7f) * scale;
      if (!Number.isSafeInteger(value)) throw new DecodeError(`${field}: varint too large`);
      if ((next & 0x80) === 0) return value;
      scale *= 0x80;
    }
  }

  bytes(field: string): Uint8Array {
    const length = this.varint(`${field} length`);
    if (length > this.remaining) {
      throw new DecodeError(`truncated: ${field} needs ${length} bytes, ${this.remaining} left`);
    }
    const value = this.buffer.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** What ByteWriter.text wrote. */
  text(field: string): string {
    const length = this.varint(`${field} length`);
    if (length > this.remaining) {
      throw new DecodeError(`truncated: ${field} needs ${length} bytes, ${this.remaining} left`);
    }
    const start = this.offset;
    let ascii = true;
    for (let i = start; i < start + length && ascii; i++) ascii = (this.buffer[i] as number) < 0x80;
    this.offset += length;
    // Past a few characters, `+=` would build a rope of one node per character (V8 flattens
    // only short results): a long value read back would then hold tens of bytes per character
    // until flattened. The decoder returns one flat string; ASCII is valid UTF-8.
    if (!ascii || length > SHORT_TEXT) {
      return decodeUtf8(this.buffer.subarray(start, start + length), field);
    }
    let out = '';
    for (let i = start; i < start + length; i++)
      out += String.fromCharCode(this.buffer[i] as number);
    return out;
  }

  uint32(field: string): number {
    let value = 0;
    for (let shift = 0; shift < 32; shift += 8) value += this.byte(field) * 2 ** shift;
    return value;
  }

  /** Trailing bytes mean the writer and the reader disagree on the format. */
  end(what: string): void {
    if (this.remaining !== 0)
      throw new DecodeError(`${what}: ${this.remaining} unexpected trailing bytes`);
  }
}

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The running state a CRC-32 starts from. */
export const CRC_START = 0xffffffff;

/**
 * Slicing-by-8: S<k>[n] is the state change of byte n followed by k zero bytes, so eight bytes
 * fold into the state with eight lookups and no dependency between them. Every saved snapshot is
 * checksummed, and a service that snapshots after every entry saves its whole table each time:
 * a byte at a time, that checksum was most of such a run's cost.
 */
function nextSlice(previous: Uint32Array): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    const c = previous[n] as number;
    table[n] = ((CRC_TABLE[c & 0xff] as number) ^ (c >>> 8)) >>> 0;
  }
  return table;
}
const S0 = CRC_TABLE;
const S1 = nextSlice(S0);
const S2 = nextSlice(S1);
const S3 = nextSlice(S2);
const S4 = nextSlice(S3);
const S5 = nextSlice(S4);
const S6 = nextSlice(S5);
const S7 = nextSlice(S6);

/** Carries a running CRC-32 state over bytes[from, to): sums can continue across calls. */
export function crcUpdate(state: number, bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = state;
  let i = from;
  for (const whole = to - ((to - from) % 8); i < whole; i += 8) {
    const low =
      crc ^
      ((bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24));
    crc =
      (S7[low & 0xff] as number) ^
      (S6[(low >>> 8) & 0xff] as number) ^
      (S5[(low >>> 16) & 0xff] as number) ^
      (S4[low >>> 24] as number) ^
      (S3[bytes[i + 4] as number] as number) ^
      (S2[bytes[i + 5] as number] as number) ^
      (S1[bytes[i + 6] as number] as number) ^
      (S0[bytes[i + 7] as number] as number);
  }
  for (; i < to; i++) {
    crc = (CRC_TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return crc;
}

/**
 * A difference between two running CRC-32 states, carried over `length` bytes. The update is
 * linear over GF(2): two runs over the same bytes from different states end in states that
 * differ by exactly this shift of their first difference, whatever the bytes. Costs one 32×32
 * bit-matrix product per set bit of `length`.
 */
export function crcShift(state: number, length: number): number {
  let v = state;
  for (let bit = 0; length > 0 && v !== 0; bit++, length = Math.floor(length / 2)) {
    if (length % 2 === 1) v = applyMatrix(zeroBytesMatrix(bit), v);
  }
  return v;
}

/** Column i of matrix k: where bit i of a state goes over 2^k zero bytes. */
const ZERO_BYTE_MATRICES: Uint32Array[] = [];

function zeroBytesMatrix(k: number): Uint32Array {
  while (ZERO_BYTE_MATRICES.length <= k) {
    const n = ZERO_BYTE_MATRICES.length;
    const matrix = new Uint32Array(32);
    for (let i = 0; i < 32; i++) {
      if (n === 0) {
        const unit = (1 << i) >>> 0;
        matrix[i] = (CRC_TABLE[unit & 0xff] as number) ^ (unit >>> 8);
      } else {
        const half = ZERO_BYTE_MATRICES[n - 1] as Uint32Array;
        matrix[i] = applyMatrix(half, half[i] as number);
      }
    }
    ZERO_BYTE_MATRICES.push(matrix);
  }
  return ZERO_BYTE_MATRICES[k] as Uint32Array;
}

function applyMatrix(matrix: Uint32Array, v: number): number {
  let out = 0;
  for (let i = 0; i < 32; i++) if ((v >>> i) & 1) out ^= matrix[i] as number;
  return out >>> 0;
}

export function crcFinish(state: number): number {
  return (state ^ 0xffffffff) >>> 0;
}

/** CRC-32 (IEEE 802.3, as in zlib and PNG) of bytes[from, to). */
export function crc32(bytes: Uint8Array, from = 0, to = bytes.length): number {
  return crcFinish(crcUpdate(CRC_START, bytes, from, to));
}
