import { RETURN, type EventLists } from './entries.js';
import type { Model } from './types.js';

/**
 * Lookahead pruning: a configuration fails at once when some operation still to be linearized
 * can no longer be legal, instead of when the search finally reaches it.
 *
 * Why this is sound. Take a pending operation G that returned (it must be linearized in any
 * completion) and suppose no pending resetting operation R could be linearized before G, that
 * is, every such R is called after G returns (R.call > G.return: real time puts G first). In any
 * completion, the operations linearized between now and G are pending operations that may
 * precede G, so none of them resets, and the state G meets is reached from the current state
 * by non-resetting operations only. The model's contract (types.ts, Lookahead) then says that
 * G's test accepting the current state means G is illegal wherever it goes: no completion.
 * Open-ended operations count as pending resets too (they may take effect at any time after
 * their call), but never as G: they need not be linearized.
 *
 * Cost: one walk of the pending events up to the first pending resetting call, so models whose
 * resets are frequent (a register's writes) pay little, and so do histories checked by key.
 */
export class Pruner<S, I, O> {
  private readonly resets: Uint8Array;
  private readonly tests: (((state: S) => boolean) | null)[];

  constructor(
    private readonly lists: EventLists,
    model: Model<S, I, O>,
    inputs: readonly I[],
    outputs: readonly (O | null)[],
  ) {
    const hook = model.lookahead;
    this.resets = Uint8Array.from(inputs, (input, op) =>
      hook === undefined || hook.resets(input, outputs[op] ?? null) ? 1 : 0,
    );
    this.tests = inputs.map((input, op) => hook?.doomed(input, outputs[op] ?? null) ?? null);
  }

  /** Whether the operation may move the state out of what the tests foresee. */
  resetting(op: number): boolean {
    return this.resets[op] === 1;
  }

  /** True when some pending operation that returned can never be legal after `state`. */
  doomed(state: S): boolean {
    const { next, operation, match, mainHead } = this.lists;
    const limit = this.firstOpenReset();
    for (let e = next[mainHead] ?? -1; e !== -1 && e < limit; e = next[e] ?? -1) {
      const op = operation[e] ?? 0;
      if (match[e] === RETURN) {
        if (this.tests[op]?.(state) === true) return true;
      } else if (this.resets[op] === 1) {
        // Every later return belongs to an operation that this reset may precede.
        return false;
      }
    }
    return false;
  }

  /** The entry of the earliest pending open-ended resetting call (entries compare as times). */
  private firstOpenReset(): number {
    const { next, operation, openHead } = this.lists;
    for (let e = next[openHead] ?? -1; e !== -1; e = next[e] ?? -1) {
      if (this.resets[operation[e] ?? 0] === 1) return e;
    }
    return next.length;
  }
}
