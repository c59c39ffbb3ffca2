import fc from 'fast-check';
import type { RunCoverage } from '../monitors/coverage.js';
import { RandomStream, streamSeed } from '../random.js';
import { runKv } from '../run/kv-run.js';
import { swarmConfig, type ConfigOptions } from './arbitraries.js';
import { kvRunConfig, type FuzzConfig } from './config.js';
import { CoverageTally } from './coverage-tally.js';
import { nonPassingTrial, withoutMinorityTrial } from './minority-trial.js';
import { mutateConfig } from './mutate.js';
import type { SeedCorpus } from './seed-corpus.js';
import {
  DEFAULT_SHRINK_BUDGET,
  failureKind,
  runConfig,
  stampCampaign,
  trim,
  summarize,
  type CampaignStamp,
  type RunSummary,
  type SeedOptions,
  type SeedOutcome,
} from './run-seed.js';

/**
 * Coverage-guided fuzzing. The corpus holds the configurations whose runs reached coverage no
 * earlier run had; each new run is either a fresh swarm draw or a mutation of a corpus entry,
 * chosen with weight on entries whose coverage is rare. Runs go in generations of a fixed size:
 * a generation is planned from the corpus as the previous generations left it, run (in any
 * order, on any number of workers), and merged in seed order. So the corpus, the failures and
 * the coverage depend on the campaign seed, the run count and the shard, never on the workers.
 */

/** Runs per generation: fixed, so that the plan never depends on the worker count. */
export const GENERATION = 16;

export interface CorpusEntry {
  readonly seed: number;
  readonly config: FuzzConfig;
  readonly features: readonly number[];
  /** How many features it reached first. */
  readonly fresh: number;
}

/** One planned run: its simulation seed and the configuration it runs. */
export interface GuidedTask {
  readonly seed: number;
  readonly config: FuzzConfig;
  /** Whether the run takes its minority trial, if its seed has one (minority-trial.ts). */
  readonly minorityTrials: boolean;
}

export interface GuidedOutcome extends GuidedTask {
  readonly summary: RunSummary;
  readonly coverage: RunCoverage;
}

/**
 * A run of a given configuration under a seed, with coverage recorded; then its minority trial
 * if it takes one (minority-trial.ts): a failing trial is the outcome, with the first run's
 * coverage.
 */
export function runGuided(task: GuidedTask): GuidedOutcome {
  const result = runKv({ ...kvRunConfig(task.seed, task.config), coverage: true });
  const coverage = result.coverage ?? { features: [], sometimes: 0 };
  const summary = summarize(result);
  const run = (config: FuzzConfig) => runConfig(task.seed, config);
  const trial = nonPassingTrial(task.seed, task.config, summary, run, task.minorityTrials);
  return { ...task, summary, coverage, ...trial };
}

export class GuidedCorpus {
  readonly entries: CorpusEntry[] = [];
  /** The campaign's own coverage (its report): its runs only, never the seed corpus's. */
  readonly tally = new CoverageTally();
  /** Entries that came from the seed corpus (the first ones). */
  readonly seeded: number;
  /**
   * Per feature, the runs that reached it: the seed corpus's and this campaign's. Rarity and
   * novelty are judged on these, so a run joins only with a feature neither had reached.
   */
  private readonly known: Map<number, number>;
  /** The seed corpus whole (with `--nodes`, its other sizes too), for `saved`. */
  private readonly seed: SeedCorpus | null;
  /** Entry weights, computed once per generation from the hit counts. */
  private weights: number[] = [];
  /** Fresh runs planned so far. */
  private freshRuns = 0;
  private totalWeight = 0;

  /**
   * With a seed corpus (seed-corpus.ts) the campaign mutates its entries from its first
   * generation on. With a cluster size fixed (`--nodes`) it keeps only the entries of that size,
   * and knows only the features they reached: a feature that only other sizes reached is new
   * here. (Every feature a seed corpus counts is held by one of its entries, since the first
   * run to reach a feature joins the corpus; so with every entry kept, every feature is known.)
   */
  constructor(
    private readonly options: ConfigOptions & CampaignStamp & Pick<SeedOptions, 'minorityTrials'>,
    seed: SeedCorpus | null = null,
  ) {
    this.seed = seed;
    this.known = new Map();
    for (const { seed: at, config, features } of seed?.entries ?? []) {
      if (options.servers !== undefined && config.servers !== options.servers) continue;
      this.entries.push({ seed: at, config, features, fresh: 0 });
      for (const f of features) this.known.set(f, seed?.hits.get(f) ?? 1);
    }
    this.seeded = this.entries.length;
  }

  /** Call before planning a generation: energy goes to entries whose features few runs reach. */
  startGeneration(): void {
    const hits = this.known;
    this.weights = this.entries.map((entry) => {
      let weight = 0;
      for (const feature of entry.features) weight += 1 / (hits.get(feature) ?? 1);
      return weight;
    });
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
  }

  /**
   * The run at position `k` of the campaign, whose own seed is `seed`. Every other run (and
   * every run while the corpus is empty) is fresh: the next seed of the swarm campaign this one
   * shadows (`swarmSeed(i)` for its i-th fresh run), drawn and run exactly as swarm mode runs
   * it. So a bug that swarm mode catches at its n-th seed, guided mode catches by about its
   * 2n-th run at worst; the runs in between mutate the corpus.
   */
  plan(k: number, seed: number, swarmSeed: (i: number) => number): GuidedTask {
    const minorityTrials = this.options.minorityTrials !== false;
    if (this.entries.length === 0 || k % 2 === 0) {
      const fresh = swarmSeed(this.freshRuns++);
      return { seed: fresh, config: this.fresh(fresh), minorityTrials };
    }
    const r = new RandomStream('guided', streamSeed(seed, 'guided'));
    const parent = this.pickByEnergy(r);
    const other = r.pick(this.entries);
    const config = mutateConfig(parent.config, r, other.config, this.options.servers !== undefined);
    return { seed, config: stampCampaign(config, this.options), minorityTrials };
  }

  /** Merges one run (in seed order); returns true when it joined the corpus. */
  merge(outcome: GuidedOutcome): boolean {
    this.tally.add(outcome.coverage);
    let fresh = 0;
    for (const feature of outcome.coverage.features) {
      const before = this.known.get(feature) ?? 0;
      if (before === 0) fresh++;
      this.known.set(feature, before + 1);
    }
    if (fresh === 0) return false;
    this.entries.push({
      seed: outcome.seed,
      config: withoutMinorityTrial(outcome.config),
      features: outcome.coverage.features,
      fresh,
    });
    return true;
  }

  /**
   * The corpus as a seed for later campaigns: the whole seed corpus (entries of every size),
   * then this campaign's additions, with the runs and hit counts of both.
   */
  saved(): SeedCorpus {
    const hits = new Map(this.seed?.hits ?? []);
    for (const [f, n] of this.tally.hits) hits.set(f, atMostSafe((hits.get(f) ?? 0) + n));
    const entries = [...(this.seed?.entries ?? []), ...this.entries.slice(this.seeded)];
    return { runs: atMostSafe((this.seed?.runs ?? 0) + this.tally.runs), hits, entries };
  }

  /** How many entries the seed corpus holds, all sizes counted. */
  get seedEntries(): number {
    return this.seed?.entries.length ?? 0;
  }

  /** Each entry's energy as the last `startGeneration` weighed it, in corpus order. */
  energy(): readonly number[] {
    return this.weights;
  }

  /** Swarm mode's configuration for this seed: fast-check's first draw, as fuzzSeed makes it. */
  private fresh(seed: number): FuzzConfig {
    let drawn: FuzzConfig | null = null;
    const capture = fc.property(swarmConfig(this.options), (config) => {
      drawn ??= config;
      return true;
    });
    fc.check(capture, { seed, numRuns: 1 });
    if (drawn === null) throw new Error(`guided: fast-check drew nothing for seed ${seed}`);
    return stampCampaign(drawn, this.options);
  }

  private pickByEnergy(r: RandomStream): CorpusEntry {
    const weights = this.weights;
    if (weights.length === 0 || !(this.totalWeight > 0)) return r.pick(this.entries);
    let x = (r.int(0, 999_999_999) / 1e9) * this.totalWeight;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] as number;
      if (x < 0) return this.entries[i] as CorpusEntry;
    }
    return this.entries[weights.length - 1] as CorpusEntry;
  }
}

/** A count that a corpus file can hold (seed-corpus.ts reads integers up to 2^53 - 1). */
function atMostSafe(n: number): number {
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

/**
 * Shrinks a guided failure. Its configuration is data, not a draw from the seed, so there is no
 * generator to shrink through: reduce.ts shrinks the data itself (a smaller cluster, fewer
 * steps, shorter episodes, a plainer network and workload), every candidate a full re-run under
 * the same seed, within the budget.
 */
export function shrinkGuided(
  outcome: Pick<GuidedTask, 'seed' | 'config'>,
  limits: Pick<SeedOptions, 'shrinkBudget' | 'stopShrinking' | 'onShrinkProgress' | 'servers'> = {},
): SeedOutcome {
  const first = runConfig(outcome.seed, outcome.config);
  const kind = failureKind(first);
  if (kind === null)
    throw new Error(`seed ${outcome.seed} failed, then passed when re-run: nondeterminism`);
  const start = { config: outcome.config, summary: first };
  const budget = limits.shrinkBudget ?? DEFAULT_SHRINK_BUDGET;
  const trimmed = trim(outcome.seed, limits, start, kind, { budget, before: 0 });
  return {
    seed: outcome.seed,
    config: outcome.config,
    summary: first,
    failure: {
      config: trimmed.config,
      summary: trimmed.summary,
      fastCheck: { seed: outcome.seed, path: '', shrinks: 0 },
      trimmedSteps: outcome.config.schedule.length - trimmed.config.schedule.length,
    },
  };
}

/** A guided run as a campaign outcome: a failing one carries itself, unshrunk, as its failure. */
export function asSeedOutcome(outcome: GuidedOutcome): SeedOutcome {
  const failing = failureKind(outcome.summary) !== null;
  const { seed, config, summary } = outcome;
  const failure = failing
    ? { config, summary, fastCheck: { seed, path: '', shrinks: 0 }, trimmedSteps: 0 }
    : null;
  return { seed, config, summary, failure };
}
