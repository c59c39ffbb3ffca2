import { performance } from 'node:perf_hooks';
import { runCampaign } from '../cli/campaign.js';
import type { SeedOptions } from '../fuzz/run-seed.js';
import { requireCleanCampaign } from './clean-campaign.js';
import { spreadBy, timeOnce } from './measure.js';
import { BenchFailure, fmt, fmtSpread, repeat, type BenchSuite } from './suite.js';

/** The reference harness's wall time for the whole Lab 3 suite (spec/lab3-suite.md). */
const REFERENCE_LAB_SECONDS = 580;

/** The whole ported Lab 3 suite, one seed per test, in this process. */
export const labSuite: BenchSuite = {
  name: 'lab',
  about: 'the ported Lab 3 suite, one seed per test, in process: wall seconds',
  async run({ repetitions, log }) {
    const { LAB_TESTS, runLabTest } = await import('../../scenarios/lab/lab-test.js');
    for (const part of ['lab3a', 'lab3b', 'lab3c', 'lab3d'])
      await import(`../../scenarios/lab/${part}.test.js`);
    const samples = await repeat(repetitions, () =>
      timeOnce(async () => {
        for (const test of LAB_TESTS) {
          // A failing test is the Raft's failure, not the bench's: exit 1, naming it.
          await runLabTest(test, 1).catch((error: unknown) => {
            const why = error instanceof Error ? error.message : String(error);
            throw new BenchFailure(`lab: ${test.name} failed with seed 1: ${why.split('\n')[0]}`);
          });
        }
      }),
    );
    const seconds = spreadBy(samples, (s) => s);
    log(
      `Lab 3 suite (${LAB_TESTS.length} tests, one seed each): ${fmtSpread(seconds, 2)} s ` +
        `(reference harness ~${REFERENCE_LAB_SECONDS} s)`,
    );
    return { labSuiteSeconds: seconds, labSuiteTests: LAB_TESTS.length };
  },
};

export interface FuzzRate {
  /** Seeds that ran (up to and including a failing one). */
  readonly runs: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly unknown: number;
  /** From the start to the first seed's outcome: with workers, the pool's start-up is in it. */
  readonly firstSeconds: number;
}

/**
 * Seeds per second with `workers` threads (0: the main thread) over `runs` seeds from `baseSeed`.
 * A failing seed, a crash of the simulator or a campaign cut short stops the benchmark, naming
 * the seed (clean-campaign.ts): these campaigns run the correct Raft (or `seedOptions.mutant`,
 * for the test of this very rule).
 */
export async function fuzzRate(
  workers: number,
  runs: number,
  baseSeed = 1_000,
  seedOptions: SeedOptions = { mode: 'swarm', shrink: false },
): Promise<FuzzRate> {
  const start = performance.now();
  let first: number | null = null;
  const result = await runCampaign({
    baseSeed,
    runs,
    timeUp: () => false,
    workers,
    shard: { index: 1, count: 1 },
    seed: seedOptions,
    interrupted: () => false,
    onOutcome: () => {
      first ??= performance.now();
    },
  });
  const seconds = (performance.now() - start) / 1000;
  requireCleanCampaign('fuzz', result, runs, (seed) =>
    [
      `raftsim fuzz --seed ${seed} --runs 1`,
      seedOptions.mutant === undefined ? '' : ` --mutant ${seedOptions.mutant}`,
    ].join(''),
  );
  const firstSeconds = ((first ?? performance.now()) - start) / 1000;
  return {
    runs: result.runs,
    seconds,
    perSecond: result.runs / seconds,
    unknown: result.unknownRuns.length,
    firstSeconds,
  };
}

/** Swarm fuzzing on one core and on two worker threads, interleaved, over the same seeds. */
export const fuzzSuite: BenchSuite = {
  name: 'fuzz',
  about: 'swarm fuzz seeds per second on the main thread and with 2 workers',
  async run({ repetitions, quick, log }) {
    const seeds = quick ? 40 : 300; // enough that starting the worker threads is a small part
    // Warms this thread's JIT up (not measured): the main-thread figure is of a warm thread, as
    // a campaign's is after its first seeds; each worker pool starts cold, as a campaign's does.
    await fuzzRate(0, quick ? 4 : 16, 1_000 + seeds);
    const samples = await repeat(repetitions, async () => {
      const one = await fuzzRate(0, seeds);
      const two = await fuzzRate(2, seeds);
      return { one, two, ratio: two.perSecond / one.perSecond };
    });
    const one = spreadBy(samples, (s) => s.one.perSecond);
    const two = spreadBy(samples, (s) => s.two.perSecond);
    const ratio = spreadBy(samples, (s) => s.ratio);
    const unknown = samples.reduce((n, s) => Math.max(n, s.one.unknown, s.two.unknown), 0);
    log(
      `fuzz seeds/s, main thread, 2 workers: ${fmtSpread(one, 1)} / ${fmtSpread(two, 1)} ` +
        `(${fmtSpread(ratio, 2)}x), ${seeds} seeds each${unknown > 0 ? `, ${fmt(unknown)} unknown` : ''}`,
    );
    const firstOne = spreadBy(samples, (s) => s.one.firstSeconds);
    const firstTwo = spreadBy(samples, (s) => s.two.firstSeconds);
    log(
      `  first outcome after (s):          ${fmtSpread(firstOne, 2)} on the main thread, ` +
        `${fmtSpread(firstTwo, 2)} with 2 workers (their start-up)`,
    );
    return {
      fuzzSeedsPerSecond1: one,
      fuzzSeedsPerSecond2: two,
      fuzzWorkerRatio: ratio,
      fuzzFirstSeedSeconds1: firstOne,
      fuzzFirstSeedSeconds2: firstTwo,
      fuzzSeeds: seeds,
      fuzzUnknownSeeds: unknown,
    };
  },
};
