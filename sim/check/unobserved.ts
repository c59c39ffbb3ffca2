import type { Model, Operation } from './types.js';

/**
 * A write whose result nobody saw (`output: null`, or an answer the model calls unseen, such as
 * an append's ErrMaybe) may still have been in flight when its caller stopped waiting at
 * `return`, so it may take effect after that too, or never: it is checked as open-ended. (Bound
 * to its interval, a request that arrived after its caller gave up would make a correct history
 * illegal.)
 */
export function openUnobservedWrites<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
): readonly Operation<I, O>[] {
  let opened: Operation<I, O>[] | null = null;
  history.forEach((op, index) => {
    if (op.return === null || model.readOnly(op.input, null)) return;
    if (op.output !== null && model.unseen?.(op.input, op.output) !== true) return;
    (opened ??= [...history])[index] = { ...op, return: null, output: null };
  });
  return opened ?? history;
}
