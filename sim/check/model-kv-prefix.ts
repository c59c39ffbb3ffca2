import { combine, rollHash, ROLL_BASE } from './hashing.js';
import { textsOf } from './unwritten.js';
import { PrefixRolls } from './prefix-rolls.js';
import type { LookaheadOp } from './types.js';

/** The shapes of the versioned kv model (model-kv.ts) this test reads (no import cycle). */
type Input =
  | { readonly op: 'get' }
  | { readonly op: 'put'; readonly value: string; readonly version: number }
  | { readonly op: 'append' };
type Output = { readonly err: string; readonly value?: string; readonly version?: number };
type Op = LookaheadOp<Input, Output>;
interface State {
  readonly value: string;
  /** rollHash(value) (hashing.ts). */
  readonly roll: number;
  readonly version: number;
}

/**
 * A further lookahead test of the versioned kv model for a get G that read (v, k), added to the
 * model's own: from a state s with s.version < k, every version step up to k is an append
 * (which only adds at the end of the value) unless some put installs on the way, and a put
 * installs only at its own version. If puts do install on the way, the last of them left its
 * own value followed by appends only, so G's value starts with that put's value. Hence if no
 * unplaced put that may install (answered OK, ErrMaybe or nothing), has a version in
 * [s.version, k), was called before G returned and has a value that starts G's value, then G's
 * value must start with s's value: when it does not, G is doomed. This catches a wrong order of
 * concurrent appends at once, where the version test waits until version k; and a put whose
 * value no read shows (an ErrMaybe put that never took effect) does not stop it.
 *
 * "G's value starts with s's value" is decided in O(1) by rolling hashes: different hashes
 * prove the prefix differs, equal ones merely fail to prune. The prefix hashes are shared
 * between reads (PrefixRolls), as a key's reads are mostly prefixes of one another.
 *
 * Set-up is linear in the puts that may install; each get finds its candidate installers at
 * its test's first use, by looking up the hashes of its value's prefixes of the lengths
 * installers have.
 */
export class AppendPrefixes<S extends State> {
  private readonly installers: ReturnType<typeof installersByValue>;
  /** The prefix hashes of the partition's reads, shared with the other rules that need them. */
  readonly prefixes: PrefixRolls;
  /**
   * Each get's candidate installers, found at the first use of its test: `pool[start[op] ..
   * start[op] + count[op])`, with start -1 until then. One pool rather than an array per get.
   */
  private readonly start: Int32Array;
  private readonly count: Int32Array;
  private pool = new Int32Array(1024);
  private used = 0;

  constructor(private readonly ops: readonly Op[]) {
    this.installers = installersByValue(ops);
    this.prefixes = new PrefixRolls(reads(ops));
    this.start = new Int32Array(ops.length).fill(-1);
    this.count = new Int32Array(ops.length);
  }

  /** The test of get `local`, which read `value` at `version` (answered OK). */
  doomed(local: number, value: string, version: number, state: S, placed: Uint8Array): boolean {
    // mayInstall first: it is usually true (the put that wrote the value is still unplaced),
    // and then the read's prefix table is never built.
    return (
      state.version < version &&
      !this.mayInstall(local, value, version, state.version, placed) &&
      !this.startsWithState(value, state)
    );
  }

  private mayInstall(
    local: number,
    value: string,
    version: number,
    from: number,
    placed: Uint8Array,
  ): boolean {
    const { ops } = this;
    if (this.start[local] === -1) this.findCandidates(local, value);
    const start = this.start[local] ?? 0;
    const end = start + (this.count[local] ?? 0);
    for (let k = start; k < end; k++) {
      const put = this.pool[k] ?? 0;
      const putVersion = (ops[put]?.input as { version: number }).version;
      if (placed[put] === 0 && putVersion >= from && putVersion < version) return true;
    }
    return false;
  }

  /**
   * Get `local`'s candidate installers into the pool: the puts whose value (by hash) starts the
   * read's `value` and that were called no later than the get returned. The prefixes' hashes
   * are rolled along the value once, up to the longest length needed.
   */
  private findCandidates(local: number, value: string): void {
    const { ops } = this;
    const { byHash, lengths } = this.installers;
    const end = ops[local]?.return ?? Infinity;
    this.start[local] = this.used;
    let roll = 0;
    let rolled = 0;
    for (let k = 0; k < lengths.length; k++) {
      const length = lengths[k] ?? 0;
      if (length > value.length) break;
      for (; rolled < length; rolled++) {
        roll = (Math.imul(roll, ROLL_BASE) + value.charCodeAt(rolled)) | 0;
      }
      const puts = byHash.get(combine(roll, length));
      if (puts === undefined) continue;
      for (let p = 0; p < puts.length; p++) {
        const put = puts[p] ?? 0;
        if ((ops[put]?.call ?? Infinity) <= end) this.keep(put);
      }
    }
    this.count[local] = this.used - (this.start[local] ?? 0);
  }

  private keep(put: number): void {
    if (this.used === this.pool.length) {
      const grown = new Int32Array(2 * this.pool.length);
      grown.set(this.pool);
      this.pool = grown;
    }
    this.pool[this.used++] = put;
  }

  private startsWithState(value: string, state: S): boolean {
    return (
      state.value.length <= value.length &&
      this.prefixes.of(value)[state.value.length] === state.roll
    );
  }
}

/**
 * The puts that may install (OK, ErrMaybe or no answer), grouped by their value's hash and
 * length (local indexes), and the distinct lengths in increasing order. Keyed by hash so that a
 * read's prefixes are looked up without slicing it: a collision only adds a candidate, which
 * makes the test prune less, never wrongly.
 */
function installersByValue(ops: readonly Op[]): {
  readonly byHash: Map<number, number[]>;
  readonly lengths: readonly number[];
} {
  const byHash = new Map<number, number[]>();
  const lengths = new Set<number>();
  ops.forEach(({ input, output }, local) => {
    if (input.op !== 'put' || (output !== null && output.err !== 'OK' && output.err !== 'ErrMaybe'))
      return;
    const key = combine(rollHash(input.value), input.value.length);
    lengths.add(input.value.length);
    const list = byHash.get(key);
    if (list === undefined) byHash.set(key, [local]);
    else list.push(local);
  });
  return { byHash, lengths: [...lengths].sort((a, b) => a - b) };
}

function reads(ops: readonly Op[]): string[] {
  return textsOf(ops, readOf);
}

/** The value a get read (answered OK), or null for any other operation. */
export function readOf({
  input,
  output,
}: LookaheadOp<{ readonly op: string }, { readonly err: string; readonly value?: string }>):
  string | null {
  return input.op === 'get' && output?.err === 'OK' ? (output.value ?? null) : null;
}
