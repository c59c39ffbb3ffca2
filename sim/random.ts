import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { assert, fail } from './assert.js';
import { mix32 } from './check/hashing.js';

/**
 * The seed of stream `name` under run seed `runSeed`. Streams are derived, not split from one
 * another, so a new draw from one stream never shifts any other.
 */
export function streamSeed(runSeed: number, name: string): number {
  assert(Number.isSafeInteger(runSeed) && runSeed >= 0, `run seed must be a safe integer >= 0`);
  let h = mix32((runSeed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ Math.floor(runSeed / 0x1_0000_0000));
  for (let i = 0; i < name.length; i++) h = mix32(h ^ name.charCodeAt(i));
  // Unsigned: seeds have always been non-negative.
  return mix32(h ^ name.length) >>> 0;
}

/** A named, seeded source of random choices. Mutable: each draw advances it. */
export class RandomStream {
  private readonly rng: RandomGenerator;

  constructor(
    readonly name: string,
    seed: number,
  ) {
    this.rng = xoroshiro128plus(seed | 0);
    // xoroshiro's first outputs from a small seed are weakly mixed: warm it up.
    for (let i = 0; i < 8; i++) this.rng.next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    if (!(Number.isSafeInteger(min) && Number.isSafeInteger(max))) fail(`int(${min}, ${max})`);
    if (min > max) fail(`int: empty range [${min}, ${max}]`);
    return uniformInt(this.rng, min, max);
  }

  /** True with probability perMille / 1000. */
  perMille(perMille: number): boolean {
    if (perMille <= 0) return false;
    if (perMille >= 1000) return true;
    return uniformInt(this.rng, 0, 999) < perMille;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, `pick from an empty array (stream ${this.name})`);
    return items[uniformInt(this.rng, 0, items.length - 1)] as T;
  }

  /** A new array with the items in a uniformly random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = uniformInt(this.rng, 0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** A 32-bit unsigned integer, e.g. to seed a node's own generator. */
  uint32(): number {
    return this.rng.next() >>> 0;
  }
}

/** Every stream of one run, created on first use and keyed by name. */
export class Streams {
  private readonly byName = new Map<string, RandomStream>();

  constructor(readonly runSeed: number) {
    assert(Number.isSafeInteger(runSeed) && runSeed >= 0, `run seed must be a safe integer >= 0`);
  }

  get(name: string): RandomStream {
    let stream = this.byName.get(name);
    if (stream === undefined) {
      stream = new RandomStream(name, streamSeed(this.runSeed, name));
      this.byName.set(name, stream);
    }
    return stream;
  }
}
