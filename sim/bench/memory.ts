import type { Clerk } from '../../raft/kv/clerk.js';
import { BenchFailure, type BenchSuite } from './suite.js';
import type { KvWire } from '../../raft/kv/codec.js';
import { kvProgram, type KvNode } from '../../raft/kv/program.js';
import { isClerkReturn, type KvApplied } from '../../raft/kv/server.js';
import type { ClerkReturn, KvOp } from '../../raft/kv/types.js';
import { runCampaign } from '../cli/campaign.js';
import { reliable } from '../profiles.js';
import type { EventTarget, SimEvent } from '../scheduler.js';
import { World } from '../world.js';
import { stormCost } from './storm.js';

const MB = 1024 * 1024;

function rssMegabytes(): number {
  return process.memoryUsage().rss / MB;
}

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
 */
export async function campaignMemory(seeds: number, workers: number): Promise<CampaignMemory> {
  const tenth = Math.max(1, Math.floor(seeds / 10));
  let done = 0;
  let atTenth = 0;
  let atEnd = 0;
  let peak = rssMegabytes();
  await runCampaign({
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
  // A campaign that stopped short (a failing seed on the correct Raft) has no last reading.
  if (done !== seeds) throw new BenchFailure(`campaign memory: ${done} of ${seeds} seeds ran`);
  return {
    seeds,
    workers,
    rssAtTenthMb: atTenth,
    rssAtEndMb: atEnd,
    peakRssMb: peak,
    growth: atEnd / atTenth - 1,
  };
}

/** Resident memory along one long run, at 10 %, 50 % and 100 % of its commands. */
export interface LongRunMemory {
  readonly commands: number;
  readonly rssMb: { readonly at10: number; readonly at50: number; readonly at100: number };
  readonly peakRssMb: number;
  readonly virtualSeconds: number;
  readonly events: number;
  /** The highest snapshot index any server holds at the end: compaction kept the logs short. */
  readonly snapshotIndex: number;
}

/**
 * Clerks that never stop: each reads a key, then writes it at the version it read, then moves
 * to the next key. Every call is a command through the log. Nothing is recorded, so memory
 * measures the simulator, Raft and the service alone.
 */
class ClosedLoop implements EventTarget {
  returns = 0;
  private readonly next: KvOp[];

  constructor(
    private readonly world: World<KvWire, KvApplied, KvNode>,
    private readonly servers: number,
    clerks: number,
  ) {
    this.next = Array.from({ length: clerks }, (_, c) => ({ kind: 'get', key: `k${c}` }));
  }

  start(): void {
    for (let c = 0; c < this.next.length; c++) this.world.scheduler.after(0, this, c);
  }

  fire(event: SimEvent): void {
    const op = this.next[event.a] as KvOp;
    this.world.host(this.servers + event.a).run((node) => (node as Clerk).invoke(op));
  }

  returned(node: number, ret: ClerkReturn): void {
    this.returns++;
    const c = node - this.servers;
    const { op, result } = ret;
    this.next[c] =
      op.kind === 'get'
        ? { kind: 'put', key: op.key, value: `v${this.returns}`, version: result.version }
        : { kind: 'get', key: `k${(Number(op.key.slice(1)) + 1) % 5}` };
    this.world.scheduler.after(0, this, c); // not from inside the clerk's own effects
  }
}

/**
 * One run of `commands` committed commands on 3 servers and 3 clerks over a reliable network,
 * snapshotting past 8 KiB of Raft state, monitors and history off; RSS sampled every 10,000
 * commands.
 */
export function longRunMemory(commands: number): LongRunMemory {
  const servers = 3;
  const world = new World<KvWire, KvApplied, KvNode>({
    nodes: servers + 3,
    faultDomain: servers,
    seed: 1,
    profile: reliable,
    maxEvents: 2 ** 52,
    program: kvProgram({ servers, maxRaftStateBytes: 8192 }),
  });
  const loop = new ClosedLoop(world, servers, 3);
  world.onApply((node, applied) => {
    if (isClerkReturn(applied)) loop.returned(node, applied);
  });
  world.start();
  loop.start();
  const marks = [0.1, 0.5, 1].map((share) => Math.round(share * commands));
  const at: number[] = [];
  let peak = rssMegabytes();
  let nextSample = 0;
  const done = () => {
    if (loop.returns < nextSample) return false;
    nextSample = Math.min(loop.returns + 10_000, commands);
    const rss = rssMegabytes();
    peak = Math.max(peak, rss);
    while (at.length < marks.length && loop.returns >= (marks[at.length] as number)) at.push(rss);
    return loop.returns >= commands;
  };
  world.scheduler.runUntil(done, 2 ** 52);
  let snapshotIndex = 0;
  for (let node = 0; node < servers; node++) {
    const instance = world.host(node).instance;
    if (instance !== null && 'raft' in instance)
      snapshotIndex = Math.max(snapshotIndex, instance.raft.snapshotIndex);
  }
  return {
    commands: loop.returns,
    rssMb: { at10: at[0] ?? 0, at50: at[1] ?? 0, at100: at[2] ?? 0 },
    peakRssMb: peak,
    virtualSeconds: world.scheduler.now / 1e6,
    events: world.scheduler.eventsExecuted,
    snapshotIndex,
  };
}

/** The bench's memory figures and the lines that print them. */
export async function memoryFigures(quick: boolean) {
  const campaign = await campaignMemory(quick ? 100 : 1_000, 1);
  const long = longRunMemory(quick ? 100_000 : 1_000_000);
  const storm = stormCost();
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  const lines = [
    `campaign RSS, ${campaign.seeds} seeds, 1 worker:     ${mb(campaign.rssAtTenthMb)} at seed ${campaign.seeds / 10}, ${mb(campaign.rssAtEndMb)} at the end (${(100 * campaign.growth).toFixed(1)} %), peak ${mb(campaign.peakRssMb)}`,
    `RSS of one run, ${long.commands} commands:   ${mb(long.rssMb.at10)} / ${mb(long.rssMb.at50)} / ${mb(long.rssMb.at100)} at 10 / 50 / 100 %, peak ${mb(long.peakRssMb)}`,
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
