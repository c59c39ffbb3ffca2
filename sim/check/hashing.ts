/**
 * Small 32-bit hash helpers for the memo table. Collisions only cost time (the table compares
 * entries in full), so speed matters more than strength here.
 */

/**
 * murmur3's finaliser (fmix32): spreads every input bit over the output. A signed 32-bit result;
 * the simulator's stream seeds (sim/random.ts) use the same function, read unsigned.
 */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Combines two hashes; the order of the arguments matters. */
export function combine(a: number, b: number): number {
  return mix32(Math.imul(a, 0x9e3779b1) ^ b);
}

/** FNV-1a over the UTF-16 code units, finalised. */
export function stringHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/**
 * Zobrist keys: one fixed pseudo-random word per operation, so the hash of a set of operations
 * is the XOR of its members' keys and changes in O(1) when one is added or removed.
 */
export function zobristKeys(count: number): Int32Array {
  const keys = new Int32Array(count);
  for (let i = 0; i < count; i++) keys[i] = mix32(Math.imul(i + 1, 0x9e3779b9) ^ 0x5bd1e995);
  return keys;
}

export const ROLL_BASE = 0x01000193;

/**
 * A polynomial hash that composes under concatenation:
 * roll(a + b) = roll(a) * ROLL_BASE^|b| + roll(b) (mod 2^32), see `rollConcat`. With `from`, the
 * hash of `text.slice(from)`, without making the slice.
 */
export function rollHash(text: string, from = 0): number {
  let h = 0;
  for (let i = from; i < text.length; i++) h = (Math.imul(h, ROLL_BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/** ROLL_BASE^n mod 2^32. */
export function rollPower(n: number): number {
  let result = 1;
  let base = ROLL_BASE;
  for (let e = n; e > 0; e >>>= 1) {
    if ((e & 1) !== 0) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
}

export function rollConcat(left: number, right: number, rightLength: number): number {
  return (Math.imul(left, rollPower(rightLength)) + right) | 0;
}
