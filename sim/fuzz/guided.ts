import fc from 'fast-check';
import type { RunCoverage } from '../monitors/coverage.js';
import { RandomStream, streamSeed } from '../random.js';
import { runKv } from '../run/kv-run.js';
import { swarmConfig, type ConfigOptions } from './arbitraries.js';
import { kvRunConfig, type FuzzConfig } from './config.js';
import { CoverageTally } from './coverage-tally.js';
import { mutateConfig } from './mutate.js';
import {
  DEFAULT_SHRINK_BUDGET,
  failureKind,
  runConfig,
  summarize,
  type RunSummary,
  type SeedOutcome,
} from './run-seed.js';
import { trimSchedule, type Judge } from './trim.js';

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
/** A fresh swarm draw this often (per mille), a mutation of a corpus entry otherwise. */
const FRESH_PER_MILLE = 200;

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
}

export interface GuidedOutcome extends GuidedTask {
  readonly summary: RunSummary;
  readonly coverage: RunCoverage;
}

/** A run of a given configuration under a seed, with coverage recorded. */
export function runGuided(task: GuidedTask): GuidedOutcome {
  const result = runKv({ ...kvRunConfig(task.seed, task.config), coverage: true });
  const coverage = result.coverage ?? { features: [], sometimes: 0 };
  return { ...task, summary: summarize(result), coverage };
}

export class GuidedCorpus {
  readonly entries: CorpusEntry[] = [];
  readonly tally = new CoverageTally();
  /** Entry weights, computed once per generation from the hit counts. */
  private weights: number[] = [];
  private totalWeight = 0;

  constructor(
    private readonly options: ConfigOptions & { readonly mutant?: FuzzConfig['mutant'] },
  ) {}

  /** Call before planning a generation: energy goes to entries whose features few runs reach. */
  startGeneration(): void {
    const hits = this.tally.hits;
    this.weights = this.entries.map((entry) => {
      let weight = 0;
      for (const feature of entry.features) weight += 1 / (hits.get(feature) ?? 1);
      return weight;
    });
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
  }

  /** The configuration the run with this simulation seed tries. */
  plan(seed: number): GuidedTask {
    const r = new RandomStream('guided', streamSeed(seed, 'guided'));
    if (this.entries.length === 0 || r.perMille(FRESH_PER_MILLE)) {
      return { seed, config: this.fresh(seed) };
    }
    const parent = this.pickByEnergy(r);
    const other = r.pick(this.entries);
    const config = mutateConfig(parent.config, r, other.config);
    const mutant = this.options.mutant;
    return { seed, config: mutant === undefined ? config : { ...config, mutant } };
  }

  /** Merges one run (in seed order); returns true when it joined the corpus. */
  merge(outcome: GuidedOutcome): boolean {
    const fresh = this.tally.add(outcome.coverage);
    if (fresh === 0) return false;
    this.entries.push({
      seed: outcome.seed,
      config: outcome.config,
      features: outcome.coverage.features,
      fresh,
    });
    return true;
  }

  private fresh(seed: number): FuzzConfig {
    const [config] = fc.sample(swarmConfig(this.options), { seed, numRuns: 1 });
    const mutant = this.options.mutant;
    return mutant === undefined ? (config as FuzzConfig) : { ...(config as FuzzConfig), mutant };
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

/**
 * Shrinks a guided failure. Its configuration is data, not a draw from the seed, so there is no
 * generator to shrink through: the trim pass (trim.ts) drops steps one at a time, every
 * candidate a full re-run under the same seed, within the budget.
 */
export function shrinkGuided(outcome: GuidedTask, budget = DEFAULT_SHRINK_BUDGET): SeedOutcome {
  const first = runConfig(outcome.seed, outcome.config);
  const kind = failureKind(first);
  if (kind === null)
    throw new Error(`seed ${outcome.seed} failed, then passed when re-run: nondeterminism`);
  const judge: Judge = (config) => {
    const summary = runConfig(outcome.seed, config);
    return { kind: failureKind(summary), summary };
  };
  const trimmed = trimSchedule({ config: outcome.config, summary: first }, kind, judge, budget);
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
