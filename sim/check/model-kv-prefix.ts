import { textsOf } from './unwritten.js';
import { PrefixRolls } from './prefix-rolls.js';
import type { DoomTest, LookaheadOp } from './types.js';

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
 * its test's first use, by looking up its value's prefixes of the lengths installers have.
 */
export function withAppendPrefixes<S extends State>(
  ops: readonly Op[],
  tests: readonly (DoomTest<S> | null)[],
): (DoomTest<S> | null)[] {
  const installers = installersByValue(ops);
  const lengths = [...new Set(Array.from(installers.keys(), (value) => value.length))];
  const prefixes = new PrefixRolls(reads(ops));
  return ops.map((op, local) => {
    const own = tests[local] ?? null;
    const { output } = op;
    if (op.input.op !== 'get' || output?.err !== 'OK') return own;
    const { value, version } = output;
    if (value === undefined || version === undefined) return own;
    let candidates: readonly number[] | null = null;
    let rolls: Int32Array | null = null;
    const startsWithState = (state: S) => {
      if (state.value.length > value.length) return false;
      rolls ??= prefixes.of(value);
      return rolls[state.value.length] === state.roll;
    };
    const mayInstall = (from: number, placed: Uint8Array) => {
      candidates ??= candidateInstallers(ops, installers, lengths, value, op.return ?? Infinity);
      for (const put of candidates) {
        const putVersion = (ops[put]?.input as { version: number }).version;
        if (placed[put] === 0 && putVersion >= from && putVersion < version) return true;
      }
      return false;
    };
    return (state: S, placed: Uint8Array) =>
      own?.(state, placed) === true ||
      // mayInstall first: it is usually true (the put that wrote the value is still unplaced),
      // and then the read's prefix table is never built.
      (state.version < version && !mayInstall(state.version, placed) && !startsWithState(state));
  });
}

/** The puts that may install (OK, ErrMaybe or no answer), grouped by value (local indexes). */
function installersByValue(ops: readonly Op[]): Map<string, number[]> {
  const installers = new Map<string, number[]>();
  ops.forEach(({ input, output }, local) => {
    if (input.op !== 'put' || (output !== null && output.err !== 'OK' && output.err !== 'ErrMaybe'))
      return;
    const list = installers.get(input.value);
    if (list === undefined) installers.set(input.value, [local]);
    else list.push(local);
  });
  return installers;
}

/** The installers whose value starts `seen` and that were called no later than `end`. */
function candidateInstallers(
  ops: readonly Op[],
  installers: Map<string, number[]>,
  lengths: readonly number[],
  seen: string,
  end: number,
): number[] {
  const found: number[] = [];
  for (const length of lengths) {
    if (length > seen.length) continue;
    for (const put of installers.get(seen.slice(0, length)) ?? []) {
      if ((ops[put]?.call ?? Infinity) <= end) found.push(put);
    }
  }
  return found;
}

function reads(ops: readonly Op[]): string[] {
  return textsOf(ops, ({ input, output }) =>
    input.op === 'get' && output?.err === 'OK' ? (output.value ?? null) : null,
  );
}
