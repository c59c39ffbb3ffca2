import type { Model, Operation } from './types.js';
import { openUnobservedWrites } from './unobserved.js';

/**
 * The definition of linearizability tried exhaustively, for the checker's property tests: some
 * order respecting real time in which every step is legal (operations that never completed may
 * be left out; so may a write whose result was not observed, types.ts). Exponential: for
 * histories of a dozen operations or so. One key only: the models' states hold a single key's
 * value (the checker partitions a history by key before it searches, partition.ts).
 */
export function bruteForce<S, I, O>(recorded: readonly Operation<I, O>[], model: Model<S, I, O>) {
  const history = openUnobservedWrites(recorded, model);
  const used = history.map(() => false);
  const blocked = (op: Operation<I, O>) =>
    history.some((other, j) => !used[j] && other.return !== null && other.return < op.call);
  const search = (state: S): boolean => {
    if (history.every((op, i) => used[i] === true || op.return === null)) return true;
    return history.some((op, i) => {
      if (used[i] === true || blocked(op)) return false;
      const next = model.step(state, op.input, op.output);
      if (next === null) return false;
      used[i] = true;
      const found = search(next);
      used[i] = false;
      return found;
    });
  };
  return search(model.init()) ? 'ok' : 'illegal';
}
