import { testsOf } from './doom-tests.js';
import { mix32 } from './hashing.js';
import { DEFER, DROP, KEEP } from './types.js';
import type { DoomTest, LookaheadOp, Model, Operation, Partition } from './types.js';

/**
 * The compare-and-set register of the Jepsen etcd histories. It starts absent (a read returns
 * null until the first write or successful cas). Values are integers.
 */
export type EtcdInput =
  | { readonly op: 'read' }
  | { readonly op: 'write'; readonly value: number }
  | { readonly op: 'cas'; readonly from: number; readonly to: number };

/** read: the value seen (null = absent); write and cas: whether it took effect. */
export type EtcdOutput = { readonly value: number | null } | { readonly ok: boolean };

/** The register's value; 'absent' before the first write (null would read as "illegal"). */
type EtcdState = number | 'absent';

function read(output: EtcdOutput | null): number | null | undefined {
  return output !== null && 'value' in output ? output.value : undefined;
}

function applied(output: EtcdOutput | null): boolean | undefined {
  return output !== null && 'ok' in output ? output.ok : undefined;
}

function stepEtcd(state: EtcdState, input: EtcdInput, output: EtcdOutput | null): EtcdState | null {
  switch (input.op) {
    case 'read': {
      const seen = read(output);
      // An unobserved read (timed out) is legal anywhere and changes nothing.
      return seen === undefined || (seen ?? 'absent') === state ? state : null;
    }
    case 'write':
      // A write that reports failure did not happen; an unknown one is taken to have happened
      // (its "never happened" case is covered by the open-ended interval).
      return applied(output) === false ? state : input.value;
    case 'cas': {
      const ok = applied(output);
      const matches = state === input.from;
      if (ok === undefined) return matches ? input.to : state;
      if (ok !== matches) return null;
      return matches ? input.to : state;
    }
  }
}

function describeEtcd(input: EtcdInput, output: EtcdOutput | null): string {
  const ok = applied(output);
  switch (input.op) {
    case 'read': {
      const seen = read(output);
      return seen === undefined ? 'read() → ?' : `read() → ${seen ?? 'nil'}`;
    }
    case 'write':
      return `write(${input.value})${ok === undefined ? ' → ?' : ok ? '' : ' → failed'}`;
    case 'cas':
      return `cas(${input.from}, ${input.to}) → ${ok === undefined ? '?' : ok ? 'ok' : 'failed'}`;
  }
}

function etcdKey(input: EtcdInput, output: EtcdOutput | null): string {
  const outcome =
    output === null ? '?' : 'value' in output ? String(output.value) : String(output.ok);
  switch (input.op) {
    case 'read':
      return `r:${outcome}`;
    case 'write':
      return `w${input.value}:${outcome}`;
    case 'cas':
      return `c${input.from},${input.to}:${outcome}`;
  }
}

/**
 * Lookahead (contract in types.ts). Only writes and successful or unknown cas change the
 * register; reads and failed cas leave it as it is. So with no change to come, a read must see
 * the current value, a failed cas must not match it, and a successful cas must match it. A
 * write sets the register to its value whatever it held; a cas sets it to `to` or leaves it.
 */
function etcdDoomTest(op: LookaheadOp<EtcdInput, EtcdOutput>): DoomTest<EtcdState> | null {
  const { input, output } = op;
  const seen = read(output);
  const ok = applied(output);
  if (input.op === 'read')
    return seen === undefined ? null : (state) => state !== (seen ?? 'absent');
  if (input.op !== 'cas' || ok === undefined) return null;
  return ok ? (state) => state !== input.from : (state) => state === input.from;
}

function changes(input: EtcdInput, output: EtcdOutput | null): boolean {
  return input.op !== 'read' && applied(output) !== false;
}

/** A change of the register leaves it holding one value (a cas that misses changes nothing). */
function restartOf(input: EtcdInput): EtcdState | null {
  switch (input.op) {
    case 'read':
      return null;
    case 'write':
      return input.value;
    case 'cas':
      return input.to;
  }
}

/**
 * Open-ended operations (Model.openFates). An open read changes nothing and observed nothing:
 * DROP. An open write or cas whose resulting value v no completed read saw and no cas expects
 * (`from` = v) is DEFER: nothing shows it took effect, but it may still be needed, say to move
 * the register off the value a failed cas expected, so only the first search goes without it
 * (sound whatever is deferred, see open-search.ts).
 */
function etcdOpenFates(ops: readonly LookaheadOp<EtcdInput, EtcdOutput>[]): Uint8Array {
  const shown = new Set<number>();
  for (const { input, output, return: end } of ops) {
    const seen = read(output);
    if (end !== null && typeof seen === 'number') shown.add(seen);
    if (input.op === 'cas') shown.add(input.from);
  }
  return Uint8Array.from(ops, ({ input, return: end }) => {
    if (end !== null) return KEEP;
    if (input.op === 'read') return DROP;
    return shown.has(input.op === 'write' ? input.value : input.to) ? KEEP : DEFER;
  });
}

/**
 * Reads of a value that no write or cas that may take effect (not answered "failed") sets: no
 * state reachable by the register's writes holds it (unwritten.ts).
 */
function etcdUnwritten(ops: readonly LookaheadOp<EtcdInput, EtcdOutput>[]): number[] {
  const written = new Set<number>();
  for (const { input, output } of ops) {
    if (applied(output) === false) continue;
    if (input.op === 'write') written.add(input.value);
    if (input.op === 'cas') written.add(input.to);
  }
  const found: number[] = [];
  ops.forEach((op, local) => {
    const seen = op.input.op !== 'read' || op.return === null ? undefined : read(op.output);
    if (seen !== undefined && seen !== null && !written.has(seen)) found.push(local);
  });
  return found;
}

export const etcdModel: Model<EtcdState, EtcdInput, EtcdOutput> = {
  name: 'etcd',
  init: () => 'absent',
  step: stepEtcd,
  equal: (a, b) => a === b,
  hash: (state) => (state === 'absent' ? 0x2545f491 : mix32(state)),
  // One register: nothing to split.
  partition: (history: readonly Operation<EtcdInput, EtcdOutput>[]): readonly Partition[] => [
    { label: 'register', operations: history.map((_, index) => index) },
  ],
  opKey: (input, output) => [etcdKey(input, output), ''],
  readOnly: (input, output) => input.op === 'read' || applied(output) === false,
  describeOp: describeEtcd,
  describeState: (state) => (state === 'absent' ? 'nil' : String(state)),
  unwritten: etcdUnwritten,
  lookahead: {
    resets: changes,
    restart: restartOf,
    tests: (ops) => testsOf(ops.map(etcdDoomTest)),
  },
  openFates: etcdOpenFates,
};
