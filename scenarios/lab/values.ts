/**
 * The lab's commands are Go `interface{}` values: ints and strings. Raft carries opaque bytes,
 * so the harness encodes them: a tag byte, then a float64 or UTF-8 text.
 */
export type LabValue = number | string;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeValue(value: LabValue): Uint8Array {
  if (typeof value === 'number') {
    const bytes = new Uint8Array(9);
    bytes[0] = 0;
    new DataView(bytes.buffer).setFloat64(1, value);
    return bytes;
  }
  const text = encoder.encode(value);
  const bytes = new Uint8Array(1 + text.length);
  bytes[0] = 1;
  bytes.set(text, 1);
  return bytes;
}

export function decodeValue(bytes: Uint8Array): LabValue {
  if (bytes[0] === 0)
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(1);
  if (bytes[0] === 1) return decoder.decode(bytes.subarray(1));
  throw new Error(`not a lab value: tag ${bytes[0]}`);
}

/** The 3D service's snapshot: the last included index and every command up to it. */
export function encodeServiceSnapshot(
  lastIncluded: number,
  commands: readonly LabValue[],
): Uint8Array {
  return encoder.encode(JSON.stringify([lastIncluded, commands]));
}

/** Throws an Error saying what is wrong when `bytes` is not a snapshot the service wrote. */
export function decodeServiceSnapshot(bytes: Uint8Array): {
  lastIncluded: number;
  commands: LabValue[];
} {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new Error(`${bytes.length} bytes that are not a service snapshot`);
  }
  const isValue = (v: unknown) => typeof v === 'number' || typeof v === 'string';
  const ok =
    Array.isArray(value) &&
    value.length === 2 &&
    Number.isSafeInteger(value[0]) &&
    Array.isArray(value[1]) &&
    value[1].length === value[0] &&
    (value[1] as unknown[]).every(isValue);
  if (!ok) throw new Error('a service snapshot of the wrong shape');
  const [lastIncluded, commands] = value as [number, LabValue[]];
  return { lastIncluded, commands };
}
