import { openAndReads, writeKind, writesOf } from './unwritten.js';
import type { KvAppendInput, KvAppendOutput } from './kv-append-types.js';
import { ReadIndex } from './read-index.js';
import { DROP, KEEP, type LookaheadOp } from './types.js';

type Op = LookaheadOp<KvAppendInput, KvAppendOutput>;

/**
 * Open-ended operations of the kv-append model that no read can depend on (Model.openFates):
 * - a get: it changes nothing, and an open one observed nothing;
 * - a put of v when no completed get read a value starting with v;
 * - an append of x when no completed get read a value containing x.
 * All of these are DROP: left out of the search.
 *
 * Proof that dropping them all together is sound. Take a linearization L of the partition and
 * a completed get G that read `seen`. G's state in L is the value of the last put P before G
 * (or "" if none) followed by the appends between P and G. If a dropped put were P, `seen`
 * would start with its value; if a dropped append were among those appends, `seen` would
 * contain its text: neither happens, so leaving out every dropped operation leaves the state
 * of each completed get unchanged. Every other operation (a put, an append, a get whose output
 * was not observed) is legal in any state. So L without the dropped operations is a
 * linearization of the partition without them. The converse holds for any open operation left
 * out (open-search.ts), so the verdict is the same.
 */
export function appendOpenFates(ops: readonly Op[]): Uint8Array {
  const { open, reads } = openAndReads(ops, (op) =>
    op.output !== null && 'value' in op.output ? op.output.value : null,
  );
  const fates = new Uint8Array(ops.length);
  if (open.length === 0) return fates;
  const { puts, appends } = writesOf(
    open,
    (local) => writeKind((ops[local] as Op).input),
    (local) => ((ops[local] as Op).input as { readonly value: string }).value,
  );
  const index = new ReadIndex(reads, puts, appends);
  for (const local of open) {
    const { input } = ops[local] as Op;
    const read =
      input.op === 'get' ||
      (input.op === 'put' ? index.mayStart(input.value) : index.mayContain(input.value));
    fates[local] = input.op !== 'get' && read ? KEEP : DROP;
  }
  return fates;
}
