import type { Operation, Partition } from './types.js';

/**
 * Splits a history by key (P-compositionality: a map of independent registers is linearizable
 * iff each register's sub-history is). Partitions come in key order, operations in history order.
 */
export function partitionByKey<I, O>(
  history: readonly Operation<I, O>[],
  keyOf: (input: I) => string,
): readonly Partition[] {
  const byKey = new Map<string, number[]>();
  history.forEach((operation, index) => {
    const key = keyOf(operation.input);
    const members = byKey.get(key);
    if (members === undefined) byKey.set(key, [index]);
    else members.push(index);
  });
  // Keys are distinct, so plain code-unit order is total.
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((key) => ({ label: key, operations: byKey.get(key) ?? [] }));
}
