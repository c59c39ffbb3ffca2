import { asSeedOutcome } from '../fuzz/guided.js';
import { CoverageTally } from '../fuzz/coverage-tally.js';
import type { RunCoverage } from '../monitors/coverage.js';
import type { SeedCorpus } from '../fuzz/seed-corpus.js';
import { runCampaign, type CampaignOptions, type CampaignResult } from './campaign.js';
import { endingCrash } from './crash.js';
import { runGuidedCampaign } from './guided-campaign.js';

/** A campaign of any mode, with its coverage merged in seed order. */
export interface CoveredCampaign extends CampaignResult {
  readonly tally: CoverageTally;
  /** Guided mode: how many configurations the corpus ended with. */
  readonly corpus: number | null;
  /** Guided mode: how many of them came from the seed corpus, and how many it held. */
  readonly seeded: { readonly kept: number; readonly of: number } | null;
  /** Guided mode: the corpus as a seed for later campaigns, made only when asked for. */
  readonly saved: (() => SeedCorpus) | null;
}

/**
 * Runs a campaign of `options.seed.mode` with coverage recorded (unless `coverage` is false).
 * Swarm and schedule runs finish in any order on workers; their coverage is kept per seed and
 * merged in seed order at the end, so the figures never depend on the worker count.
 */
export async function runCoveredCampaign(
  options: CampaignOptions,
  coverage = true,
): Promise<CoveredCampaign> {
  if (options.seed.mode === 'guided') {
    const result = await runGuidedCampaign(options);
    const failing = result.failure;
    return {
      runs: result.runs,
      unknownRuns: result.unknownRuns,
      interrupted: result.interrupted,
      failure: failing === null ? null : asSeedOutcome(failing),
      crashes: result.crashes,
      tally: result.corpus.tally,
      corpus: result.corpus.entries.length,
      seeded: { kept: result.corpus.seeded, of: result.corpus.seedEntries },
      saved: () => result.corpus.saved(),
    };
  }
  const covered = new Map<number, RunCoverage>();
  const result = await runCampaign({
    ...options,
    seed: { ...options.seed, coverage },
    onOutcome: (outcome) => {
      if (outcome.coverage !== undefined) covered.set(outcome.seed, outcome.coverage);
      options.onOutcome?.(outcome);
    },
  });
  // The campaign counts seeds up to its lowest failing one, a crash's with no outcome included.
  const limit = result.failure?.seed ?? endingCrash(result.crashes)?.seed ?? Infinity;
  const tally = new CoverageTally();
  for (const seed of [...covered.keys()].sort((a, b) => a - b)) {
    if (seed <= limit) tally.add(covered.get(seed) as RunCoverage);
  }
  return {
    ...result,
    tally,
    corpus: null,
    seeded: null,
    saved: null,
  };
}
