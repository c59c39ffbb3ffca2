import { expect } from 'chai';
import { runGuidedCampaign } from '../cli/guided-campaign.js';
import { FormatError } from '../format/kit.js';
import { FEATURE_STATE, FEATURE_TRANSITION } from '../monitors/coverage.js';
import { seconds } from '../time.js';
import type { FuzzConfig } from './config.js';
import { GuidedCorpus, type GuidedOutcome } from './guided.js';
import type { SeedOptions } from './run-seed.js';
import { parseSeedCorpus, seedCorpusText, type SeedCorpus } from './seed-corpus.js';

/** Short runs keep these tests quick; guided mode passes the same options to its draws. */
const SHORT = seconds(2);

function campaign(baseSeed: number, runs: number, seedCorpus: SeedCorpus | null, workers = 0) {
  return runGuidedCampaign({
    baseSeed,
    runs,
    timeUp: () => false,
    workers,
    shard: { index: 1, count: 1 },
    seed: { mode: 'guided', shrink: false, safetyMicros: SHORT } satisfies SeedOptions,
    seedCorpus,
    interrupted: () => false,
  });
}

const config = (servers: number): FuzzConfig => ({
  servers,
  profile: 'reliable',
  schedule: [],
  safetyMicros: SHORT,
  workload: { clerks: 1, keys: 1, getPerMille: 500, thinkMinMicros: 0, thinkMaxMicros: 1000 },
  maxRaftStateBytes: 4096,
});

const A = FEATURE_STATE + 5;
const B = FEATURE_TRANSITION + 9;

/** A corpus of two entries, one per cluster size, whose features have these hit counts. */
const tiny: SeedCorpus = {
  runs: 7,
  hits: new Map([
    [A, 7],
    [B, 1],
  ]),
  entries: [
    { seed: 11, config: config(3), features: [A] },
    { seed: 12, config: config(5), features: [A, B] },
  ],
};

function outcome(features: number[]): GuidedOutcome {
  return {
    seed: 99,
    config: config(3),
    minorityTrials: false,
    summary: null as never,
    coverage: { features, sometimes: 0 },
  };
}

describe('seed corpus', () => {
  it('a saved corpus reads back as it was, without the campaign stamps', async function () {
    this.timeout(300_000);
    const first = await runGuidedCampaign({
      baseSeed: 3,
      runs: 20,
      timeUp: () => false,
      workers: 0,
      shard: { index: 1, count: 1 },
      seed: { mode: 'guided', shrink: false, safetyMicros: SHORT, without: ['G5'] },
      interrupted: () => false,
    });
    const saved = first.corpus.saved();
    const read = parseSeedCorpus(seedCorpusText(saved));
    expect(read.runs).to.equal(20);
    expect([...read.hits]).to.deep.equal([...saved.hits].sort((a, b) => a[0] - b[0]));
    expect(read.entries.map((e) => [e.seed, e.features])).to.deep.equal(
      saved.entries.map((e) => [e.seed, e.features]),
    );
    // The campaign's own settings stay behind: a later campaign stamps its own.
    expect(saved.entries.some((e) => e.config.without !== undefined)).to.equal(true);
    expect(read.entries.every((e) => e.config.without === undefined)).to.equal(true);
    expect(seedCorpusText(saved)).to.not.include('"fresh"'); // the format's fields only
  });

  it('is refused, naming the field, when it cannot be trusted', () => {
    const good = JSON.parse(seedCorpusText(tiny)) as Record<string, unknown>;
    const bad = (change: Record<string, unknown>) =>
      (() => parseSeedCorpus(JSON.stringify({ ...good, ...change }))) as () => unknown;
    expect(bad({ format: 'raftsim-repro' })).to.throw(
      FormatError,
      'format: expected "raftsim-corpus"',
    );
    expect(bad({ version: 2 })).to.throw(FormatError, 'version: expected version 1');
    expect(bad({ coverage: 0 })).to.throw(FormatError, 'coverage: expected coverage 1');
    expect(bad({ hits: [[3, 1]] })).to.throw(FormatError, 'hits[0][0]: expected a feature id');
    expect(
      bad({
        hits: [
          [A, 1],
          [A, 2],
          [B, 1],
        ],
      }),
    ).to.throw(FormatError, 'hits[1]: feature');
    expect(bad({ hits: [[A, 7]] })).to.throw(FormatError, 'entries[1].features: feature');
    expect(bad({ runs: 6 })).to.throw(FormatError, 'hits[0]: feature');
    const entries = good['entries'] as { config: Record<string, unknown> }[];
    const offNode = {
      ...entries[0],
      config: { ...entries[0]?.config, schedule: [{ at: 1, step: { kind: 'crash', node: 3 } }] },
    };
    expect(bad({ entries: [offNode] })).to.throw(
      FormatError,
      'entries[0].config.schedule[0].step.node',
    );
  });

  it('gives a campaign its entries to mutate from the first generation on', () => {
    const seeded = new GuidedCorpus({ safetyMicros: SHORT }, tiny);
    const empty = new GuidedCorpus({ safetyMicros: SHORT });
    seeded.startGeneration();
    empty.startGeneration();
    const mutatedSeed = 2 ** 32 + 1;
    expect(seeded.seeded).to.equal(2);
    expect(seeded.plan(1, mutatedSeed, (i) => 1 + i).seed).to.equal(mutatedSeed);
    expect(empty.plan(1, mutatedSeed, (i) => 1 + i).seed).to.equal(1); // nothing to mutate: fresh
  });

  it('judges novelty against the seed corpus too, and keeps it out of the report', () => {
    const seeded = new GuidedCorpus({ safetyMicros: SHORT }, tiny);
    expect(seeded.merge(outcome([A, B]))).to.equal(false); // both reached before
    expect(new GuidedCorpus({ safetyMicros: SHORT }).merge(outcome([A, B]))).to.equal(true);
    expect(seeded.tally.summary().runs).to.equal(1);
    expect(seeded.tally.summary().states).to.equal(1);
    expect(seeded.saved().runs).to.equal(8);
    expect(seeded.saved().hits.get(B)).to.equal(2);
  });

  it('weighs an entry by the runs of both campaigns that reached its features', () => {
    const seeded = new GuidedCorpus({ safetyMicros: SHORT }, tiny);
    seeded.startGeneration();
    expect(seeded.energy()).to.deep.equal([1 / 7, 1 / 7 + 1]);
    seeded.merge(outcome([B, FEATURE_STATE + 6])); // B reached again, and a new state
    seeded.startGeneration();
    expect(seeded.energy()).to.deep.equal([1 / 7, 1 / 7 + 1 / 2, 1 / 2 + 1]);
  });

  it('with a fixed cluster size (--nodes), keeps that size and saves every size', () => {
    expect(new GuidedCorpus({ servers: 5 }, tiny).seeded).to.equal(1);
    const three = new GuidedCorpus({ servers: 3 }, tiny);
    expect(three.seeded).to.equal(1);
    expect(new GuidedCorpus({ servers: 7 }, tiny).seeded).to.equal(0);
    // B was reached only on five servers: on three it is new, and the run joins.
    expect(three.merge(outcome([A, B]))).to.equal(true);
    const saved = three.saved();
    expect(saved.entries.map((e) => e.seed)).to.deep.equal([11, 12, 99]);
    expect(saved.hits.get(B)).to.equal(2);
    expect(saved.runs).to.equal(8);
  });

  it('gives the same campaign with 0, 1 and 2 workers', async function () {
    this.timeout(600_000);
    const seed = (await campaign(3, 20, null)).corpus.saved();
    const results = [];
    for (const workers of [0, 1, 2]) {
      const result = await campaign(40, 18, seed, workers);
      results.push({
        runs: result.runs,
        corpus: result.corpus.entries.map((e) => [e.seed, JSON.stringify(e.config)]),
        coverage: result.corpus.tally.summary(),
      });
    }
    expect(results[0]?.corpus.length).to.be.greaterThan(seed.entries.length);
    expect(results[1]).to.deep.equal(results[0]);
    expect(results[2]).to.deep.equal(results[0]);
  });
});
