import { expect } from 'chai';
import { runKv } from '../run/kv-run.js';
import { DEFAULT_WORKLOAD } from '../run/workload.js';
import type { FuzzConfig } from './config.js';
import { seconds } from '../time.js';
import { runSeedConfig } from '../cli/run.js';
import { GuidedCorpus, runGuided } from './guided.js';
import {
  MINORITY_TRIAL_SHARE,
  nonPassingTrial,
  takesMinorityTrial,
  withoutMinorityTrial,
} from './minority-trial.js';
import { failureKind, fuzzSeed } from './run-seed.js';

/**
 * Z05 (the election timer reset by any message) keeps elections from settling when a server
 * with a fast clock is down or behind: at swarm seed 8 its run passes, as every server comes
 * back, but its minority trial does not.
 */
const SEED = 8;

describe('minority trials', () => {
  it('one seed in MINORITY_TRIAL_SHARE takes one, chosen by a hash of the seed', () => {
    const taking = Array.from({ length: 4000 }, (_, i) => i + 1).filter(takesMinorityTrial);
    const expected = 4000 / MINORITY_TRIAL_SHARE;
    expect(taking.length).to.be.within(expected * 0.9, expected * 1.1);
    // Not by the seed's place in a shard of four: every residue gets its share.
    for (let r = 0; r < 4; r++) {
      const share = taking.filter((seed) => seed % 4 === r).length;
      expect(share, `seeds ${r} mod 4`).to.be.within(200, 300);
    }
    expect(takesMinorityTrial(SEED)).to.equal(true);
  });

  it("a failing trial is the seed's failure, and shrinks as a trial", function () {
    this.timeout(120_000);
    const found = fuzzSeed(SEED, { mode: 'swarm', mutant: 'Z05', shrinkBudget: 10 });
    expect(found.failure).to.not.equal(null);
    expect(found.config.minorityTrial).to.equal(true);
    expect(found.summary.liveness).to.match(/^minority trial \(nodes [\d, ]+ down\): /);
    const failure = found.failure as NonNullable<typeof found.failure>;
    expect(failure.config.minorityTrial).to.equal(true);
    expect(failureKind(failure.summary)).to.equal('minority trial');
    expect(failure.summary.liveness).to.match(/^minority trial/);
    const without = fuzzSeed(SEED, { mode: 'swarm', mutant: 'Z05', minorityTrials: false });
    expect(without.failure).to.equal(null);
    expect(without.config.minorityTrial).to.equal(undefined);
  });

  it('guided mode runs the trial too, and keeps its corpus free of it', function () {
    this.timeout(60_000);
    const corpus = new GuidedCorpus({ mutant: 'Z05' });
    const task = corpus.plan(0, SEED, () => SEED);
    expect(task.minorityTrials).to.equal(true);
    const outcome = runGuided(task);
    expect(outcome.config.minorityTrial).to.equal(true);
    expect(outcome.summary.liveness).to.match(/^minority trial/);
    corpus.merge(outcome);
    expect(corpus.entries[0]?.config).to.deep.equal(withoutMinorityTrial(outcome.config));
    expect(corpus.entries[0]?.config.minorityTrial).to.equal(undefined);
    const off = runGuided({ ...task, minorityTrials: false });
    expect(off.summary.verdict).to.equal('ok');
  });

  it('a trial the checker cannot decide makes the seed unknown, never ok', () => {
    const fuzzConfig: FuzzConfig = {
      servers: 3,
      profile: 'reliable',
      schedule: [],
      safetyMicros: seconds(1),
      workload: DEFAULT_WORKLOAD,
      maxRaftStateBytes: 4096,
    };
    const passed = summaryOf('ok');
    const undecided = summaryOf('unknown');
    const trial = nonPassingTrial(SEED, fuzzConfig, passed, () => undecided, true);
    expect(trial?.summary.verdict).to.equal('unknown');
    expect(trial?.config.minorityTrial).to.equal(true);
    expect(nonPassingTrial(SEED, fuzzConfig, passed, () => passed, true)).to.equal(null);
    // An undecided first run stays as it is: no trial after it.
    expect(nonPassingTrial(SEED, fuzzConfig, undecided, () => undecided, true)).to.equal(null);
  });

  it('the correct Raft passes its trial, with the most up-to-date minority down', () => {
    for (const servers of [3, 5, 7]) {
      const config = { ...runSeedConfig(11, servers, 3, seconds(5)), minorityTrial: true };
      const crashes: string[] = [];
      const result = runKv({
        ...config,
        onTrace: (record) => {
          if (record.t === config.safetyMicros && record.kind === 'crash')
            crashes.push(String(record.node));
        },
      });
      expect(result.verdict, `${servers} servers`).to.equal('ok');
      expect(crashes, `${servers} servers`).to.have.length(Math.floor((servers - 1) / 2));
    }
  });
});

function summaryOf(verdict: 'ok' | 'unknown') {
  return {
    verdict,
    violation: null,
    liveness: null,
    traceHash: '',
    events: 0,
    virtualMicros: 0,
    operations: 0,
  } as const;
}
