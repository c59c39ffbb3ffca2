import type { LongRunMemory } from './long-run.js';
import { BenchFailure, type BenchSuite } from './suite.js';
import { requireCleanCampaign } from './clean-campaign.js';
import { runCampaign } from '../cli/campaign.js';
import { stormCost } from './storm.js';
import { inChildProcess, peakRssMegabytes, rssMegabytes } from './measure.js';

/** Resident memory of a fuzz campaign, sampled as seeds finish. */
export interface CampaignMemory {
  readonly seeds: number;
  readonly workers: number;
  /** RSS after the seed at 10 % of the campaign (seed 100 of 1,000), and at its end. */
  readonly rssAtTenthMb: number;
  readonly rssAtEndMb: number;
  readonly peakRssMb: number;
  /** rssAtEnd / rssAtTenth - 1: what the goal of a flat campaign bounds (within 10 %). */
  readonly growth: number;
}

/**
 * A campaign of `seeds` swarm seeds on `workers` threads (0: this one), with process RSS read
 * after every seed. With one worker, the figure is what a worker costs beside the main thread.
 * Run it in a process of its own (campaign-child.ts): RSS counts whatever else the process holds.
 */
export async function campaignMemory(seeds: number, workers: number): Promise<CampaignMemory> {
  const tenth = Math.max(1, Math.floor(seeds / 10));
  let done = 0;
  let atTenth = 0;
  let atEnd = 0;
  let peak = rssMegabytes();
  const result = await runCampaign({
    baseSeed: 1_000,
    runs: seeds,
    timeUp: () => false,
    workers,
    shard: { index: 1, count: 1 },
    seed: { mode: 'swarm', shrink: false },
    interrupted: () => false,
    onOutcome: () => {
      const rss = rssMegabytes();
      peak = Math.max(peak, rss);
      if (++done === tenth) atTenth = rss;
      // Read at the last seed, with the workers still up, as at the tenth: after the campaign
      // returns its workers are gone, and the growth would count their memory as freed.
      if (done === seeds) atEnd = rss;
    },
  });
  // A campaign that stopped short (a failing seed on the correct Raft) has no last reading, and
  // one that crashed measured something else.
  requireCleanCampaign(
    'campaign memory',
    result,
    seeds,
    (seed) => `raftsim fuzz --seed ${seed} --runs 1`,
  );
  // The largest reading between seeds misses a spike inside one: the process's own peak does not.
  peak = Math.max(peak, peakRssMegabytes());
  return {
    seeds,
    workers,
    rssAtTenthMb: atTenth,
    rssAtEndMb: atEnd,
    peakRssMb: peak,
    growth: atEnd / atTenth - 1,
  };
}

/**
 * The long run in a fresh process (long-run-child.ts), so that its RSS is its own and not what
 * the suites before it left behind.
 */
async function longRunInChild(commands: number): Promise<LongRunMemory> {
  const long = await inChildProcess<LongRunMemory>('long-run-child.js', [String(commands)]);
  if (long.commands < commands)
    throw new BenchFailure(`long run: ${long.commands} of ${commands} commands completed`);
  return long;
}

/** The bench's memory figures and the lines that print them. */
export async function memoryFigures(quick: boolean) {
  const campaign = await inChildProcess<CampaignMemory>('campaign-child.js', [
    String(quick ? 100 : 1_000),
  ]);
  const long = await longRunInChild(quick ? 100_000 : 1_000_000);
  const storm = await stormCost();
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  const lines = [
    `campaign RSS, ${campaign.seeds} seeds, 1 worker:     ${mb(campaign.rssAtTenthMb)} at seed ${campaign.seeds / 10}, ${mb(campaign.rssAtEndMb)} at the end (${(100 * campaign.growth).toFixed(1)} %), peak ${mb(campaign.peakRssMb)} (own process)`,
    `RSS of one run, ${long.commands} commands:   ${mb(long.rssMb.at10)} / ${mb(long.rssMb.at50)} / ${mb(long.rssMb.at100)} at 10 / 50 / 100 %, peak ${mb(long.peakRssMb)} (own process)`,
    `storm regression, nextIndex guards off: ${storm.kind ?? 'no failure'} after ${storm.seconds.toFixed(1)} s, ${(storm.events / 1e6).toFixed(2)} M events, peak ${mb(storm.peakRssMb)} (own process)`,
  ];
  const figures = {
    campaignSeeds: campaign.seeds,
    campaignRssAtTenthMb: campaign.rssAtTenthMb,
    campaignRssAtEndMb: campaign.rssAtEndMb,
    campaignPeakRssMb: campaign.peakRssMb,
    campaignRssGrowth: campaign.growth,
    longRunCommands: long.commands,
    longRunRssAt10Mb: long.rssMb.at10,
    longRunRssAt50Mb: long.rssMb.at50,
    longRunRssAt100Mb: long.rssMb.at100,
    longRunPeakRssMb: long.peakRssMb,
    stormSeconds: storm.seconds,
    stormPeakRssMb: storm.peakRssMb,
  };
  return { lines, figures };
}

/** The memory figures as a bench suite: one measurement each (RSS needs no median to be read). */
export const memorySuite: BenchSuite = {
  name: 'memory',
  about: 'RSS of a campaign over its seeds, and of one run of a million commands',
  async run(context) {
    const memory = await memoryFigures(context.quick);
    for (const line of memory.lines) context.log(line);
    return memory.figures;
  },
};
