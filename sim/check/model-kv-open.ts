import { openAndReads, writeKind, writesOf } from './unwritten.js';
import { ReadIndex } from './read-index.js';
import { DEFER, DROP, KEEP, type LookaheadOp } from './types.js';

/**
 * The shapes of the versioned kv model (model-kv.ts) that its open-operation rule reads, spelled
 * out here so that the rule does not import the model (no import cycle).
 */
type Input =
  | { readonly op: 'get' }
  | { readonly op: 'put'; readonly value: string; readonly version: number }
  | { readonly op: 'append'; readonly value: string };
type Output = { readonly err: string; readonly value?: string };
type Op = LookaheadOp<Input, Output>;

/**
 * Open-ended operations of the versioned kv model (Model.openFates). A put is "unread" when no
 * completed get read a value starting with its value, an append when no completed get read a
 * value containing its text.
 *
 * DROP:
 * - an open get: it changes nothing and observed nothing;
 * - an unread open put Q of version k when another open put E of version k was called earlier
 *   (ties: the lower index), so that every version k has its earliest open put kept.
 * Proof for the puts, all dropped together. Take a linearization L. Versions never fall and a
 * put installs only at its own version, so at most one put of version k installs in L. Leave
 * out the dropped puts that install nothing: they left the state as it was. If a dropped Q
 * installs, E is in L at most as a no-op: take it out and put E in Q's place (E was called no
 * later than Q, and installs there as Q did). The state after differs only in its value (E's
 * instead of Q's), up to the next put that installs. In between, a completed get would have
 * read a value starting with Q's (appends only add at the end): Q is unread, so there is none;
 * puts depend on the version alone, which is unchanged, and appends are always legal. From the
 * next install on the states are equal again. Each such exchange touches only its own stretch
 * of L, so all can be made at once.
 *
 * DEFER (open-search.ts): the remaining unread open puts and the unread open appends. Their
 * values show nowhere, but their version bumps might be needed, so only the first, optimistic
 * search goes without them.
 */
export function kvOpenFates(ops: readonly Op[]): Uint8Array {
  const fates = new Uint8Array(ops.length);
  const { open, reads } = openAndReads(ops, ({ input, output }) =>
    input.op === 'get' && output?.err === 'OK' ? (output.value ?? null) : null,
  );
  if (open.length === 0) return fates;
  const { puts, appends } = writesOf(
    open,
    (local) => writeKind((ops[local] as Op).input),
    (local) => ((ops[local] as Op).input as { readonly value: string }).value,
  );
  const index = new ReadIndex(reads, puts, appends);
  const earliest = earliestOpenPuts(ops, open);
  for (const local of open) {
    const { input } = ops[local] as Op;
    if (input.op === 'get') fates[local] = DROP;
    else if (input.op === 'append') fates[local] = index.mayContain(input.value) ? KEEP : DEFER;
    else if (index.mayStart(input.value)) fates[local] = KEEP;
    else fates[local] = earliest.get(input.version) === local ? DEFER : DROP;
  }
  return fates;
}

/**
 * For each version, the open put of that version called first (ties: the lower index), among
 * the open operations `open` (local indexes, in order).
 */
function earliestOpenPuts(ops: readonly Op[], open: readonly number[]): Map<number, number> {
  const earliest = new Map<number, number>();
  for (const local of open) {
    const { input, call } = ops[local] as Op;
    if (input.op !== 'put') continue;
    const best = earliest.get(input.version);
    if (best === undefined || call < (ops[best]?.call ?? Infinity)) {
      earliest.set(input.version, local);
    }
  }
  return earliest;
}
