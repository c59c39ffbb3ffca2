import { performance } from 'node:perf_hooks';
import type { BenchSuite } from './suite.js';
import { runCoveredCampaign } from '../cli/coverage-campaign.js';
import type { FuzzMode } from '../fuzz/run-seed.js';
import { requireCleanCampaign } from './clean-campaign.js';
import { loadCorpusFlag } from '../cli/corpus-file.js';
import type { SeedCorpus } from '../fuzz/seed-corpus.js';

export interface ModeFigures {
  readonly runsPerSecond: number;
  readonly states: number;
  readonly transitions: number;
  /** Runs whose history the checker left undecided: they count in the rate all the same. */
  readonly unknown: number;
}

const BASE_SEED = 1_000;

/** One campaign of `runs` runs in a mode, coverage on: its rate and what it covered. */
async function modeFigures(
  mode: FuzzMode,
  runs: number,
  workers: number,
  seedCorpus: SeedCorpus | null,
): Promise<ModeFigures> {
  const start = performance.now();
  const result = await runCoveredCampaign({
    baseSeed: BASE_SEED,
    runs,
    timeUp: () => false,
    workers,
    shard: { index: 1, count: 1 },
    seed: { mode, shrink: false },
    seedCorpus,
    interrupted: () => false,
  });
  const seconds = (performance.now() - start) / 1000;
  requireCleanCampaign(
    `guided vs swarm (${mode} mode)`,
    result,
    runs,
    () => `raftsim fuzz --mode ${mode} --seed ${BASE_SEED} --runs ${runs} --workers 0`,
  );
  const summary = result.tally.summary();
  return {
    runsPerSecond: result.runs / seconds,
    states: summary.states,
    transitions: summary.transitions,
    unknown: result.unknownRuns.length,
  };
}

/**
 * Guided against swarm on the correct Raft, the same number of runs each (both recording
 * coverage, so the rates compare the search, not the recording): distinct abstract transitions
 * reached and runs per second. The runs differ (guided mode's mutations tend toward lighter
 * configurations), so the rate ratio is of the two campaigns as a user runs them, not the cost
 * of guidance on the same runs. Guided mode starts from the bundled seed corpus, as `fuzz` does;
 * its transitions are its own runs' (never the seed corpus's), and loading the corpus is timed
 * apart.
 */
export async function guidedVsSwarm(runs: number, workers: number) {
  const loadStart = performance.now();
  const seedCorpus = loadCorpusFlag('bench', undefined);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  // Warm the JIT first: otherwise swarm, measured first, would pay for it alone.
  await modeFigures('swarm', Math.min(16, runs), workers, null);
  await modeFigures('guided', Math.min(16, runs), workers, seedCorpus);
  const swarm = await modeFigures('swarm', runs, workers, null);
  const guided = await modeFigures('guided', runs, workers, seedCorpus);
  return {
    runs,
    swarm,
    guided,
    transitionsRatio: guided.transitions / Math.max(1, swarm.transitions),
    throughputRatio: guided.runsPerSecond / swarm.runsPerSecond,
    seedCorpusEntries: seedCorpus?.entries.length ?? 0,
    loadSeconds,
  };
}

/** Guided against swarm as a bench suite (one measurement: the figures are counts and ratios). */
export const guidedSuite: BenchSuite = {
  name: 'guided',
  about: 'guided against swarm mode on the correct Raft: transitions reached and runs per second',
  async run(context) {
    const g = await guidedVsSwarm(context.quick ? 32 : 300, 0);
    context.log(
      `guided vs swarm, ${g.runs} runs each, main thread: ${g.guided.transitions} / ${g.swarm.transitions} transitions (${g.transitionsRatio.toFixed(2)}x), ` +
        `${g.guided.runsPerSecond.toFixed(1)} / ${g.swarm.runsPerSecond.toFixed(1)} runs/s (${g.throughputRatio.toFixed(2)}x), ` +
        `${g.guided.unknown} / ${g.swarm.unknown} left undecided by the checker; ` +
        `seed corpus of ${g.seedCorpusEntries} entries loaded in ${g.loadSeconds.toFixed(2)} s`,
    );
    return {
      guidedRuns: g.runs, // every planned run, or modeFigures has stopped the bench
      guidedTransitions: g.guided.transitions,
      swarmTransitions: g.swarm.transitions,
      guidedTransitionsRatio: g.transitionsRatio,
      guidedThroughputRatio: g.throughputRatio,
      // Not decided is not clean: say how many, as the other suites do.
      guidedUnknownRuns: g.guided.unknown,
      swarmUnknownRuns: g.swarm.unknown,
      seedCorpusLoadSeconds: g.loadSeconds,
    };
  },
};
