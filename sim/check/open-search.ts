import { assert } from '../assert.js';
import { Search } from './search.js';
import {
  DROP,
  KEEP,
  type CheckOptions,
  type LookaheadOp,
  type Model,
  type Operation,
  type Partition,
  type Problem,
  type Verdict,
} from './types.js';

/** The quick attempt's step allowance (see OpenSearch.advance). */
const QUICK_STEPS_PER_OP = 2;
const QUICK_MIN_STEPS = 1024;
const QUICK_STRETCH = 256;
const QUICK_BACKTRACK_SHARE = 10;
const WIDEN_STRETCH = 4096;

/**
 * The search of one partition, with its open-ended operations (unknown outcome) entering only
 * where they can matter.
 *
 * An open-ended operation may have taken effect at any time after its call, or never. So a
 * history with some of them left out is linearizable only if the whole one is: a linearization
 * of the smaller history is one of the whole, with the left-out operations never happening.
 * The model's `openFates` sorts them (the rules and their proofs are beside each model):
 * - DROP: provably never needed; left out of every search, so it never costs a step;
 * - DEFER: probably not needed (nothing observed shows its effect); left out of a first search.
 *   If that search says "ok", so does the whole history, by the argument above. If it says
 *   "illegal", a second search runs with the deferred operations back in, and its verdict
 *   stands. Steps of both count against the one budget, so out of budget is still "unknown".
 */
export class OpenSearch<S, I, O> {
  /** Each stage's operations, as partition-local indexes. */
  private readonly stages: Int32Array[];
  /** The partition's operations as the models see them, by local index. */
  private readonly ops: readonly LookaheadOp<I, O>[];
  private stage = 0;
  /** Whether the search under way is a stage's quick attempt (see `advance`). */
  private quick = true;
  private search: Search<S, I, O>;
  /** Steps of the finished searches. */
  private spent = 0;
  /** The search's steps and backtracks at the start of the current widening stretch. */
  private mark = { steps: 0, backtracks: 0 };

  /** `ops`: the partition's operations as lookaheadOps gives them. */
  constructor(
    ops: readonly LookaheadOp<I, O>[],
    private readonly model: Model<S, I, O>,
    private readonly partition: Partition,
    /** quickSteps and struggling (types.ts); the budget is the caller's. */
    private readonly options: CheckOptions = {},
  ) {
    this.ops = ops;
    this.stages = stagesOf(model, this.ops);
    this.quick = this.quickCap() > 0;
    this.search = new Search(this.problem(), !this.quick);
    if (!this.quick) this.fullSearchBegins();
  }

  /** CheckOptions.struggling: the full search widens from its first step. */
  private fullSearchBegins(): void {
    if (this.options.struggling === true) this.search.widen();
  }

  get steps(): number {
    return this.spent + this.search.steps;
  }

  get verdict(): Verdict | null {
    return this.search.verdict;
  }

  /** The operations (history indexes) of the search under way, by local index. */
  get members(): readonly number[] {
    const operations = this.partition.operations;
    return Array.from(this.stages[this.stage] ?? [], (local) => operations[local] ?? -1);
  }

  /**
   * Runs up to `maxSteps` more steps; returns the verdict once there is one.
   *
   * Each stage's search starts as a quick attempt: without the model's lookahead and the
   * symmetry rule, whose set-up and per-step walks cost more than the whole search of a history
   * that linearizes nearly in order (most do). Both only prune, so the quick search's verdict
   * is as sound as the full one's: "ok" comes with a linearization, "illegal" after every
   * configuration failed. Past QUICK_STEPS_PER_OP steps per operation (plus QUICK_MIN_STEPS),
   * or as soon as it backtracks too often (`struggling`), the same search turns them on and
   * goes on from where it is (Search.prune): nothing is searched twice.
   */
  advance(maxSteps: number): Verdict | null {
    const stop = this.steps + maxSteps;
    for (;;) {
      // A quick attempt runs in short stretches, to notice early that it is struggling.
      const cap = this.quick ? this.quickCap() : Infinity;
      const stretch = this.quick ? QUICK_STRETCH : WIDEN_STRETCH;
      const verdict = this.search.advance(
        Math.min(stop - this.steps, cap - this.search.steps, stretch),
      );
      if (verdict === null && this.quick && this.struggling(cap)) {
        this.search.prune();
        this.quick = false;
        this.fullSearchBegins();
        this.mark = { steps: this.search.steps, backtracks: this.search.backtracks };
      } else if (verdict === null && !this.quick) {
        this.widenIfStruggling();
      } else if (verdict === 'illegal' && this.stage < this.stages.length - 1) {
        this.stage++;
        this.restart(this.quickCap() > 0);
      } else if (verdict !== null) {
        return verdict;
      }
      if (this.steps >= stop) return null;
    }
  }

  /**
   * Whether the quick attempt should give way: it spent its allowance, or more than one step in
   * QUICK_BACKTRACK_SHARE backtracks (past its first QUICK_STRETCH steps). A history that
   * linearizes nearly in order backtracks a few times in ten thousand steps; one that needs the
   * pruning backtracks from the start, and every step without it is wasted.
   */
  private struggling(cap: number): boolean {
    const { steps, backtracks } = this.search;
    return steps >= cap || (steps >= QUICK_STRETCH && backtracks * QUICK_BACKTRACK_SHARE > steps);
  }

  /**
   * With the pruning on, a stretch of WIDEN_STRETCH steps in which more than one step in
   * QUICK_BACKTRACK_SHARE backtracked widens the lookahead's walk: the read that would prune
   * these configurations may lie past its end.
   */
  private widenIfStruggling(): void {
    const { steps, backtracks } = this.search;
    if (steps - this.mark.steps < WIDEN_STRETCH) return;
    const share = (backtracks - this.mark.backtracks) * QUICK_BACKTRACK_SHARE;
    if (share > steps - this.mark.steps) this.search.widen();
    this.mark = { steps, backtracks };
  }

  private quickCap(): number {
    const size = this.stages[this.stage]?.length ?? 0;
    return this.options.quickSteps ?? QUICK_MIN_STEPS + QUICK_STEPS_PER_OP * size;
  }

  /** Starts the current stage's search, as a quick attempt or not. */
  private restart(quick: boolean): void {
    this.spent += this.search.steps;
    this.quick = quick;
    this.search = new Search(this.problem(), !quick);
    if (!quick) this.fullSearchBegins();
    this.mark = { steps: 0, backtracks: 0 };
  }

  longest(): { readonly operations: readonly number[]; readonly state: S } {
    return this.search.longest();
  }

  private problem(): Problem<S, I, O> {
    const locals = this.stages[this.stage] ?? new Int32Array(0);
    let ops = this.ops;
    if (locals.length !== ops.length) {
      const chosen = new Array<LookaheadOp<I, O>>(locals.length);
      for (let k = 0; k < locals.length; k++) {
        chosen[k] = this.ops[locals[k] ?? 0] as LookaheadOp<I, O>;
      }
      ops = chosen;
    }
    // Plain loops into arrays of their final size: TypedArray.from with a mapping function
    // goes through the iterator protocol element by element, and growing arrays copy, both of
    // which showed in profiles of million-operation histories.
    const calls = new Float64Array(ops.length);
    const returns = new Float64Array(ops.length);
    const inputs = new Array<I>(ops.length);
    const outputs = new Array<O | null>(ops.length);
    ops.forEach((op, local) => {
      calls[local] = op.call;
      returns[local] = op.return ?? Infinity;
      inputs[local] = op.input;
      outputs[local] = op.output;
    });
    return { model: this.model, inputs, outputs, calls, returns, ops };
  }
}

/** A partition's operations as the models see them, by local index. */
export function lookaheadOps<I, O>(
  history: readonly Operation<I, O>[],
  partition: Partition,
): LookaheadOp<I, O>[] {
  // The operations themselves, not copies: an object per operation that survives the set-up
  // cost more in garbage collection than anything it saved.
  return partition.operations.map((index) => history[index] as Operation<I, O>);
}

/**
 * The earliest-returning completed operation of a partition (a history index) that no state
 * reachable by the partition's writes makes legal (Model.unwritten), or null.
 */
export function unwrittenRead<S, I, O>(
  ops: readonly LookaheadOp<I, O>[],
  model: Model<S, I, O>,
  partition: Partition,
): number | null {
  if (model.unwritten === undefined) return null;
  let best: number | null = null;
  for (const local of model.unwritten(ops)) {
    if (best === null || (ops[local]?.return ?? 0) < (ops[best]?.return ?? 0)) best = local;
  }
  return best === null ? null : (partition.operations[best] ?? null);
}

/** The operations of each stage (local indexes): without the deferred ones (if any), then with them. */
function stagesOf<S, I, O>(model: Model<S, I, O>, ops: readonly LookaheadOp<I, O>[]): Int32Array[] {
  const all = new Int32Array(ops.length);
  for (let local = 0; local < all.length; local++) all[local] = local;
  if (model.openFates === undefined) return [all];
  const fates = model.openFates(ops);
  const open = (local: number) => ops[local]?.return === null;
  // Typed arrays filled in place: a growing array of numbers per stage showed in profiles.
  const first = new Int32Array(ops.length);
  const second = new Int32Array(ops.length);
  let firstCount = 0;
  let secondCount = 0;
  for (let local = 0; local < ops.length; local++) {
    const fate = fates[local] ?? KEEP;
    if (fate === KEEP) first[firstCount++] = local;
    else assert(open(local), `${model.name}: only open operations may go`);
    if (fate !== DROP) second[secondCount++] = local;
  }
  if (secondCount === firstCount) return [first.subarray(0, firstCount)];
  return [first.subarray(0, firstCount), second.subarray(0, secondCount)];
}
