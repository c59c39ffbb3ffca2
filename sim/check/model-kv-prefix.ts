import type { DoomTest, LookaheadOp } from './types.js';

/** The shapes of the versioned kv model (model-kv.ts) this test reads (no import cycle). */
type Input =
  | { readonly op: 'get' }
  | { readonly op: 'put'; readonly version: number }
  | { readonly op: 'append' };
type Output = { readonly err: string; readonly value?: string; readonly version?: number };
type Op = LookaheadOp<Input, Output>;
interface State {
  readonly value: string;
  readonly version: number;
}

/** Version gaps wider than this are not looked into (failing to prune is always safe). */
const GAP_LIMIT = 64;

/**
 * A further lookahead test of the versioned kv model for a get G that read (v, k), added to the
 * model's own: from a state s with s.version < k, every version step up to k is an append
 * (which only adds at the end of the value) unless some put installs on the way, and a put
 * installs only at its own version. So if no unplaced put that may install (answered OK,
 * ErrMaybe or nothing) with a version in [s.version, k) was called before G returned, G's
 * value must start with s's value: when it does not, G is doomed. This catches a wrong order of
 * concurrent appends at once, where the version test waits until version k.
 *
 * Set-up is linear: the puts that may install are listed by version once per partition.
 */
export function withAppendPrefixes<S extends State>(
  ops: readonly Op[],
  tests: readonly (DoomTest<S> | null)[],
): (DoomTest<S> | null)[] {
  const installers = new Map<number, number[]>();
  ops.forEach(({ input, output }, local) => {
    if (input.op !== 'put' || (output !== null && output.err !== 'OK' && output.err !== 'ErrMaybe'))
      return;
    const list = installers.get(input.version);
    if (list === undefined) installers.set(input.version, [local]);
    else list.push(local);
  });
  return ops.map((op, local) => {
    const own = tests[local] ?? null;
    const { output } = op;
    if (op.input.op !== 'get' || output?.err !== 'OK') return own;
    const { value, version } = output;
    if (value === undefined || version === undefined) return own;
    const end = op.return;
    const mayInstall = (from: number, placed: Uint8Array) => {
      for (let v = from; v < version; v++) {
        for (const put of installers.get(v) ?? []) {
          if (placed[put] === 0 && (ops[put]?.call ?? Infinity) <= end) return true;
        }
      }
      return false;
    };
    return (state: S, placed: Uint8Array) =>
      own?.(state, placed) === true ||
      (state.version < version &&
        version - state.version <= GAP_LIMIT &&
        !value.startsWith(state.value) &&
        !mayInstall(state.version, placed));
  });
}
