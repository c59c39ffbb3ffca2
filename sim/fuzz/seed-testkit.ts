/** Test helpers: a swarm seed's drawn configuration, and one run of it. */
import { expect } from 'chai';
import fc from 'fast-check';
import type { BrokenBuild } from '../../raft/mutants.js';
import { swarmConfig } from './arbitraries.js';
import { kvRunConfig, type FuzzConfig } from './config.js';
import { summarize, type RunSummary } from './run-seed.js';
import { runKv } from '../run/kv-run.js';

/** Swarm mode's configuration for `seed`: fast-check's first draw, as a campaign makes it. */
export function swarmDraw(seed: number): FuzzConfig {
  return (fc.sample(swarmConfig(), { seed, numRuns: 1 }) as [FuzzConfig])[0];
}

/** One run of `config` under `seed` (no minority trial), on a broken build or the correct one. */
export function runDrawn(seed: number, config: FuzzConfig, mutant: BrokenBuild | null): RunSummary {
  return summarize(runKv({ ...kvRunConfig(seed, config), mutant }));
}

/**
 * The swarm draws of fast-check seeds 1–400 that `drawn` picks, checked to be about one in
 * eight of them (25 to 80): the share a draw made one seed in eight (late-draws.ts) must take.
 */
export function aboutOneSeedInEight(drawn: (config: FuzzConfig) => boolean): FuzzConfig[] {
  const picked = fc.sample(swarmConfig(), { seed: 1, numRuns: 400 }).filter(drawn);
  expect(picked.length).to.be.within(25, 80);
  return picked;
}

/**
 * A workload share drawn one seed in eight (stray or blank puts): about one seed in eight stores
 * it, always at one of `shares`, and so does `config`, a seed a test chose for having it.
 */
export function expectShareDrawn(
  field: 'strayPerMille' | 'blankPerMille',
  shares: readonly number[],
  config: FuzzConfig,
): void {
  const drawn = aboutOneSeedInEight((c) => c.workload[field] !== undefined);
  for (const share of [...drawn, config].map((c) => c.workload[field]))
    expect(shares).to.include(share);
}

/** A swarm seed a test is about: its draw, and a run of it (or of a variant) under that seed. */
export function swarmSeed(seed: number): {
  readonly drawn: FuzzConfig;
  readonly run: (config: FuzzConfig, mutant: BrokenBuild | null) => RunSummary;
} {
  return { drawn: swarmDraw(seed), run: (config, mutant) => runDrawn(seed, config, mutant) };
}
