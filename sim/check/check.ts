import { lookaheadOps, OpenSearch, unwrittenRead } from './open-search.js';
import { openUnobservedWrites } from './unobserved.js';
import type {
  CheckOptions,
  CheckResult,
  Failure,
  LookaheadOp,
  Model,
  Operation,
  Partition,
  Verdict,
} from './types.js';

/**
 * Search steps, all partitions together, when no budget is given: far beyond any corpus
 * history's needs. A step costs from a fraction of a microsecond to a few (more on long
 * histories of many overlapping operations that may or may not have happened, and tens with
 * values of a megabyte, compared on each step), so the budget is seconds to a minute of search
 * on ordinary histories; `--budget` sets another, and `raftsim check --time` a wall-clock limit.
 */
export const DEFAULT_BUDGET = 20_000_000;

/** Steps of the first round; each round doubles it. */
const FIRST_SLICE = 1024;

/**
 * Checks a history against a model. Partitions are searched in rounds, each getting a slice of
 * steps that doubles from round to round (in the model's partition order within a round), so one
 * hard partition cannot hide an easy illegal one, yet the outcome depends only on step counts.
 * The first illegal partition settles the verdict; otherwise running out of the budget
 * (`options.budget` steps, all partitions together, so that many hard partitions cannot
 * multiply the work) before every partition is decided makes it 'unknown'.
 */
export function checkHistory<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  options: CheckOptions = {},
): CheckResult {
  const budget = Math.max(0, options.budget ?? DEFAULT_BUDGET);
  history = openUnobservedWrites(history, model);
  const partitions = model.partition(history);
  const ops = partitions.map((partition) => lookaheadOps(history, partition));
  let failure: Failure | null = unwrittenFailure(history, model, partitions, ops);
  // A partition's search is set up at its first turn and let go once it has a verdict, so that
  // only the partitions still running hold search structures (memory, on long histories).
  const searches: (OpenSearch<S, I, O> | null)[] = partitions.map(() => null);
  const verdicts: (Verdict | null)[] = partitions.map(() => null);
  const steps = new Float64Array(partitions.length);
  let spent = 0;
  const limit = options.outOfTime === undefined ? null : new TimeLimit(options.outOfTime);
  for (let slice = FIRST_SLICE; failure === null && verdicts.includes(null); slice *= 2) {
    partitions.forEach((partition, index) => {
      if (failure !== null || verdicts[index] !== null) return;
      if (spent >= budget || limit?.expired() === true) {
        verdicts[index] = 'unknown';
        searches[index] = null;
        return;
      }
      const search = (searches[index] ??= new OpenSearch(
        ops[index] ?? [],
        model,
        partition,
        options,
      ));
      const before = search.steps;
      let verdict = advance(search, Math.min(slice, budget - spent), limit);
      spent += search.steps - before;
      if (verdict === null && (spent >= budget || limit?.expired() === true)) verdict = 'unknown';
      if (verdict === 'illegal') failure = describeFailure(history, model, partition, search);
      if (verdict !== null) searches[index] = null;
      verdicts[index] = verdict;
      steps[index] = search.steps;
    });
  }
  const unknownPartitions = partitions
    .filter((_, index) => verdicts[index] === 'unknown')
    .map((partition) => partition.label);
  const verdict: Verdict =
    failure !== null ? 'illegal' : unknownPartitions.length > 0 ? 'unknown' : 'ok';
  return {
    verdict,
    model: model.name,
    operations: history.length,
    partitions: partitions.length,
    steps: steps.reduce((sum, n) => sum + n, 0),
    unknownPartitions,
    outOfTime: limit?.expired() ?? false,
    failure,
  };
}

/** Steps between two looks at the caller's clock (`CheckOptions.outOfTime`). */
const TIME_CHECK_STEPS = 1024;

/**
 * The caller's clock, asked once every TIME_CHECK_STEPS steps counted over all partitions
 * (a history of many small partitions would otherwise finish each before any look).
 */
class TimeLimit {
  private sinceLook = 0;
  private stopped = false;

  constructor(private readonly outOfTime: () => boolean) {}

  /** Whether the clock has said stop (a method: the search's steps can change it). */
  expired(): boolean {
    return this.stopped;
  }

  /** Steps a search may take before the next look. */
  get stretch(): number {
    return TIME_CHECK_STEPS - this.sinceLook;
  }

  spent(steps: number): void {
    this.sinceLook += steps;
    if (this.sinceLook < TIME_CHECK_STEPS) return;
    this.sinceLook = 0;
    this.stopped = this.outOfTime();
  }
}

/**
 * Advances a search by `steps`, in stretches that end at the clock's looks. Without a clock it
 * is one call, so that step counts (which decide where a search looks widely, and so its later
 * steps) are the same from run to run.
 */
function advance<S, I, O>(
  search: OpenSearch<S, I, O>,
  steps: number,
  limit: TimeLimit | null,
): Verdict | null {
  if (limit === null) return search.advance(steps);
  const stop = search.steps + steps;
  while (search.steps < stop && !limit.expired()) {
    const before = search.steps;
    const verdict = search.advance(Math.min(limit.stretch, stop - search.steps));
    limit.spent(search.steps - before);
    if (verdict !== null) return verdict;
    if (search.steps === before) throw new Error('checker: a search advanced no step');
  }
  return null;
}

/**
 * The first partition (in order) with a read that no write could explain fails before any
 * search: nothing is linearized, and the read is the stuck operation.
 */
function unwrittenFailure<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  partitions: readonly Partition[],
  ops: readonly (readonly LookaheadOp<I, O>[])[],
): Failure | null {
  for (const [index, partition] of partitions.entries()) {
    const stuck = unwrittenRead(ops[index] ?? [], model, partition);
    if (stuck === null) continue;
    const callOf = (op: number) => (history[op] as Operation<I, O>).call;
    return {
      partition: partition.label,
      operations: [...partition.operations].sort((a, b) => callOf(a) - callOf(b) || a - b),
      linearized: [],
      state: 'none: no write in the history leaves what it read',
      stuck,
      unwritten: true,
    };
  }
  return null;
}

function describeFailure<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  partition: Partition | undefined,
  search: OpenSearch<S, I, O>,
): Failure {
  // Every operation of the partition, the ones the search left out too.
  const members = partition?.operations ?? [];
  const longest = search.longest();
  const searched = search.members;
  const linearized = longest.operations.map((local) => searched[local] ?? -1);
  const placed = new Set(linearized);
  const returnOf = (index: number) => (history[index] as Operation<I, O>).return;
  const callOf = (index: number) => (history[index] as Operation<I, O>).call;
  let stuck: number | null = null;
  for (const index of members) {
    const end = returnOf(index);
    if (placed.has(index) || end === null) continue;
    const best = stuck === null ? null : returnOf(stuck);
    // Ties go to the lower index, which this loop meets first.
    if (best === null || end < best) stuck = index;
  }
  return {
    partition: partition?.label ?? '',
    operations: [...members].sort((a, b) => callOf(a) - callOf(b) || a - b),
    linearized,
    state: model.describeState(longest.state),
    stuck,
    unwritten: false,
  };
}
