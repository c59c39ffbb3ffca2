import { expect } from 'chai';
import { runCampaign } from '../sim/cli/campaign.js';
import type { FuzzMode, SeedOutcome } from '../sim/fuzz/run-seed.js';

/** Seeds per mode: a few hundred runs in all, under a minute on two cores. */
const SEEDS = Number(process.env['RAFTSIM_CAMPAIGN_SEEDS'] ?? 150);

async function campaign(mode: FuzzMode, workers: number): Promise<Map<number, SeedOutcome>> {
  const outcomes = new Map<number, SeedOutcome>();
  const result = await runCampaign({
    baseSeed: 1,
    runs: SEEDS,
    timeUp: () => false,
    workers,
    shard: { index: 1, count: 1 },
    seed: { mode },
    interrupted: () => false,
    onOutcome: (outcome) => outcomes.set(outcome.seed, outcome),
  });
  expect(result.runs).to.equal(SEEDS);
  return outcomes;
}

describe('fuzz campaign on the correct Raft (every seed on the main thread and in a worker)', function () {
  this.timeout(300_000);
  for (const mode of ['swarm', 'schedule'] as const) {
    it(`${SEEDS} ${mode} seeds: no failure, and the same trace hash in both threads`, async () => {
      const [main, worker] = await Promise.all([campaign(mode, 0), campaign(mode, 1)]);
      expect(main.size).to.equal(SEEDS);
      expect(worker.size).to.equal(SEEDS);
      for (const [seed, outcome] of main) {
        const failure = outcome.failure?.summary;
        expect(
          failure,
          `seed ${seed}: ${failure?.violation?.message ?? failure?.liveness}`,
        ).to.equal(undefined);
        expect(outcome.summary.verdict, `seed ${seed}`).to.equal('ok');
        expect(worker.get(seed)?.summary.traceHash, `seed ${seed}`).to.equal(
          outcome.summary.traceHash,
        );
      }
      const hashes = new Set([...main.values()].map((o) => o.summary.traceHash));
      expect(hashes.size).to.equal(SEEDS);
    });
  }
});
