/** Test helpers: a swarm seed's drawn configuration, and one run of it. */
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
