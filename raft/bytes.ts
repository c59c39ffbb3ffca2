/**
 * The wire and disk format's building blocks: unsigned LEB128 varints (up to 2^53 - 1, done
 * with arithmetic rather than 32-bit bit operations), length-prefixed byte strings, and CRC-32.
 */

/** Bytes that cannot be read as what they claim to be; the message names the field. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
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
    return this.buffer.slice(0, this.used);
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

/** CRC-32 (IEEE 802.3, as in zlib and PNG) of bytes[from, to). */
export function crc32(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = from; i < to; i++) {
    crc = (CRC_TABLE[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
