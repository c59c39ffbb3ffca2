import { performance } from 'node:perf_hooks';
import { runCoveredCampaign } from '../cli/coverage-campaign.js';
import type { FuzzMode } from '../fuzz/run-seed.js';

export interface ModeFigures {
  readonly runsPerSecond: number;
  readonly states: number;
  readonly transitions: number;
}

/** One campaign of `runs` runs in a mode, coverage on: its rate and what it covered. */
async function modeFigures(mode: FuzzMode, runs: number, workers: number): Promise<ModeFigures> {
  const start = performance.now();
  const result = await runCoveredCampaign({
    baseSeed: 1_000,
    runs,
    timeUp: () => false,
    workers,
    shard: { index: 1, count: 1 },
    seed: { mode, shrink: false },
    interrupted: () => false,
  });
  const seconds = (performance.now() - start) / 1000;
  const summary = result.tally.summary();
  return {
    runsPerSecond: result.runs / seconds,
    states: summary.states,
    transitions: summary.transitions,
  };
}

/**
 * Guided against swarm on the correct Raft, the same number of runs each (both recording
 * coverage, so the rates compare the search, not the recording): distinct abstract transitions
 * reached and runs per second.
 */
export async function guidedVsSwarm(runs: number, workers: number) {
  const swarm = await modeFigures('swarm', runs, workers);
  const guided = await modeFigures('guided', runs, workers);
  return {
    runs,
    swarm,
    guided,
    transitionsRatio: guided.transitions / Math.max(1, swarm.transitions),
    throughputRatio: guided.runsPerSecond / swarm.runsPerSecond,
  };
}
