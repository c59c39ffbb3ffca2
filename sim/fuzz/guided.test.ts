import { expect } from 'chai';
import fc from 'fast-check';
import { endingCrash } from '../cli/crash.js';
import { runGuidedCampaign } from '../cli/guided-campaign.js';
import { capturingStderr } from '../testing/capture-stderr.js';
import { featureKind, sometimesOf, SOMETIMES_NAMES } from '../monitors/coverage.js';
import { RandomStream } from '../random.js';
import { runKv } from '../run/kv-run.js';
import { seconds } from '../time.js';
import { APPLIER_LAGS, swarmConfig } from './arbitraries.js';
import { kvRunConfig, type FuzzConfig } from './config.js';
import { CoverageTally } from './coverage-tally.js';
import { GuidedCorpus, shrinkGuided } from './guided.js';
import { MUTATION_NAMES, MUTATIONS, mutateConfig } from './mutate.js';
import { parseRepro, reproOf } from './repro.js';
import { runTraced } from './report.js';
import { fuzzSeed, type SeedOptions } from './run-seed.js';

/** Short runs keep these tests quick; guided mode passes the same options to its draws. */
const SHORT = seconds(2);

function drawn(seed: number): FuzzConfig {
  const [config] = fc.sample(swarmConfig({ safetyMicros: SHORT }), { seed, numRuns: 1 });
  return config as FuzzConfig;
}

describe('coverage', () => {
  it('leaves the run untouched (same trace hash) and reports states, transitions and messages', () => {
    const config = kvRunConfig(7, drawn(7));
    const plain = runKv(config);
    const covered = runKv({ ...config, coverage: true });
    expect(covered.traceHash).to.equal(plain.traceHash);
    const kinds = new Set(covered.coverage?.features.map(featureKind));
    expect([...kinds].sort()).to.deep.equal(['message', 'state', 'transition']);
  });

  it('sees a paused leader wake in its old term and reach followers of the newer one', () => {
    const config: FuzzConfig = {
      servers: 3,
      profile: 'reliable',
      schedule: [
        { at: 800_000, step: { kind: 'pauseLeader' } },
        { at: 1_800_000, step: { kind: 'resumePaused' } },
      ],
      safetyMicros: SHORT,
      workload: { clerks: 2, keys: 2, getPerMille: 200, thinkMinMicros: 0, thinkMaxMicros: 20_000 },
      maxRaftStateBytes: 4096,
    };
    const without = runKv({ ...kvRunConfig(3, { ...config, schedule: [] }), coverage: true });
    const paused = runKv({ ...kvRunConfig(3, config), coverage: true });
    expect(sometimesOf(without.coverage?.sometimes ?? 0)).not.to.include('staleAppend');
    expect(sometimesOf(paused.coverage?.sometimes ?? 0)).to.include('staleAppend');
    expect(paused.verdict).to.equal('ok'); // the correct Raft refuses the stale leader's appends
  });

  it('tallies runs in order: fresh features, distinct counts and the curve', () => {
    const tally = new CoverageTally();
    const a = 1 * 2 ** 26 + 5; // a state
    const b = 2 * 2 ** 26 + 9; // a transition
    expect(tally.add({ features: [a, b], sometimes: 1 })).to.equal(2);
    expect(tally.add({ features: [a], sometimes: 0 })).to.equal(0);
    const summary = tally.summary();
    expect([summary.states, summary.transitions, summary.runs]).to.deep.equal([1, 1, 2]);
    expect(summary.curve).to.deep.equal([
      [1, 1],
      [2, 1],
    ]);
    expect(summary.sometimes.map((s) => s.runs)).to.deep.equal(
      SOMETIMES_NAMES.map((_, i) => (i === 0 ? 1 : 0)),
    );
  });
});

describe('guided fuzzing: mutations', () => {
  it("run with the campaign's mutant and monitors switched off, fresh or mutated", () => {
    const corpus = new GuidedCorpus({ mutant: 'Z02', without: ['G5'] });
    const fresh = corpus.plan(0, 11, (i) => 100 + i);
    expect(fresh.config.mutant).to.equal('Z02');
    expect(fresh.config.without).to.deep.equal(['G5']);
    const features = [7];
    corpus.merge({ ...fresh, summary: null as never, coverage: { features, sometimes: 0 } });
    corpus.startGeneration();
    const mutated = corpus.plan(1, 12, (i) => 100 + i);
    expect(mutated.seed).to.equal(12);
    expect(mutated.config.mutant).to.equal('Z02');
    expect(mutated.config.without).to.deep.equal(['G5']);
  });

  it('keep every configuration a valid repro: nodes in the cluster, times in order', () => {
    const r = new RandomStream('test', 11);
    for (let seed = 1; seed <= 40; seed++) {
      const config = drawn(seed);
      const other = drawn(seed + 1000);
      const name = MUTATION_NAMES[seed % MUTATION_NAMES.length] as string;
      for (const mutated of [
        MUTATIONS[name]?.(config, r, other) as FuzzConfig,
        mutateConfig(config, r, other),
      ]) {
        const repro = { format: 'raftsim-repro', version: 1, seed, traceHash: '', config: mutated };
        expect(() => parseRepro(JSON.stringify(repro)), name).not.to.throw();
        const times = mutated.schedule.map((s) => s.at);
        expect(times, name).to.deep.equal([...times].sort((x, y) => x - y));
        expect(
          times.every((t) => t >= 0),
          name,
        ).to.equal(true);
      }
    }
  });

  it('a knob change reaches every snapshot threshold, a snapshot after every entry included', () => {
    const r = new RandomStream('test', 12);
    const knob = MUTATIONS['knob'] as NonNullable<(typeof MUTATIONS)['knob']>;
    const config = drawn(1);
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) seen.add(knob(config, r, config).maxRaftStateBytes);
    expect([...seen].sort((a, b) => a - b)).to.deep.equal([1, 400, 1024, 4096, 16384]);
  });

  it('a knob change gives a synchronous applier a lag and takes a lagging one its lag', () => {
    const r = new RandomStream('test', 13);
    const knob = MUTATIONS['knob'] as NonNullable<(typeof MUTATIONS)['knob']>;
    const { applierLagMicros: _lag, ...synchronous } = drawn(1);
    const given = new Set<number | undefined>();
    for (let i = 0; i < 400; i++) given.add(knob(synchronous, r, synchronous).applierLagMicros);
    expect([...given].filter((lag) => lag !== undefined).sort((a, b) => a - b)).to.deep.equal([
      ...APPLIER_LAGS,
    ]);
    const lagging = { ...synchronous, applierLagMicros: APPLIER_LAGS[0] as number };
    const kept = Array.from({ length: 400 }, () => knob(lagging, r, lagging).applierLagMicros);
    expect(kept).to.include(undefined);
  });
});

describe('guided fuzzing: plans', () => {
  it("draws its fresh runs exactly as swarm mode draws that seed's run", () => {
    const corpus = new GuidedCorpus({ safetyMicros: SHORT });
    corpus.startGeneration();
    const planned = corpus.plan(0, 99, () => 5);
    const swarm = fuzzSeed(5, { mode: 'swarm', shrink: false, safetyMicros: SHORT });
    expect(planned.seed).to.equal(5);
    expect(planned.config).to.deep.equal(swarm.config);
  });
});

describe('guided fuzzing: campaigns', () => {
  const campaign = (workers: number, seed: Partial<SeedOptions> = {}, workerFile?: URL) =>
    runGuidedCampaign({
      ...(workerFile === undefined ? {} : { workerFile }),
      baseSeed: 3,
      runs: 20, // one full generation and a short one
      timeUp: () => false,
      workers,
      shard: { index: 1, count: 1 },
      seed: { mode: 'guided', shrink: false, safetyMicros: SHORT, ...seed },
      interrupted: () => false,
    });

  it('give the same corpus, coverage and failure with 0, 1 and 2 workers', async function () {
    this.timeout(600_000);
    const results = [];
    for (const workers of [0, 1, 2]) {
      const result = await campaign(workers);
      results.push({
        runs: result.runs,
        corpus: result.corpus.entries.map((e) => [e.seed, JSON.stringify(e.config), e.fresh]),
        coverage: result.corpus.tally.summary(),
        failure: result.failure?.seed ?? null,
      });
    }
    expect(results[0]?.runs).to.equal(20);
    expect(results[0]?.corpus.length).to.be.greaterThan(1);
    expect(results[1]).to.deep.equal(results[0]);
    expect(results[2]).to.deep.equal(results[0]);
  });

  it('lose no run when a worker thread dies: the run goes again in a fresh worker', async function () {
    this.timeout(600_000);
    const dying = new URL('../testing/crashing-guided-worker.js', import.meta.url);
    const steady = await campaign(0);
    const { result: crashed } = await capturingStderr(() => campaign(1, {}, dying));
    const seeds = (r: typeof steady) => r.corpus.entries.map((e) => e.seed);
    expect(crashed.runs).to.equal(steady.runs);
    expect(seeds(crashed)).to.deep.equal(seeds(steady));
    expect(crashed.corpus.tally.summary()).to.deep.equal(steady.corpus.tally.summary());
    expect(crashed.crashes.length).to.be.greaterThan(0);
    expect(crashed.crashes.every((c) => c.seed % 10 === 2 && c.rerunVerdict !== null)).to.equal(
      true,
    );
  });

  it('end at a run that kills every worker it runs in, naming its place and configuration', async function () {
    this.timeout(600_000);
    const doomed = new URL('../testing/doomed-guided-worker.js', import.meta.url);
    const { result } = await capturingStderr(() => campaign(1, {}, doomed));
    const ending = endingCrash(result.crashes);
    expect(ending).to.not.equal(null);
    const index = ending?.guided?.index ?? -1;
    // Every run before it was merged, none after it; it counts, as in swarm mode.
    expect(result.runs).to.equal(index + 1);
    expect(index).to.be.within(0, 19);
    expect((ending?.seed ?? 0) % 10).to.equal(7);
    expect(ending?.guided?.config.servers).to.be.within(3, 7);
    expect(result.failure).to.equal(null);
  });

  it('turn a failure into a standalone repro that shrinks and replays', async function () {
    this.timeout(600_000);
    const result = await campaign(0, { mutant: 'Z11' });
    const failing = result.failure;
    expect(failing).to.not.equal(null);
    const shrunk = shrinkGuided(failing as NonNullable<typeof failing>, { shrinkBudget: 40 });
    const repro = parseRepro(JSON.stringify(reproOf(shrunk, 'guided')));
    expect(repro.config.mutant).to.equal('Z11');
    expect(repro.config.schedule.length).to.be.at.most(failing?.config.schedule.length ?? 0);
    const replayed = runTraced(repro);
    expect(replayed.traceHash).to.equal(repro.traceHash);
    expect(replayed.verdict).to.equal(repro.verdict);
  });
});
