import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FuzzConfig } from '../sim/fuzz/config.js';
import { kvRunConfig } from '../sim/fuzz/config.js';
import { failureKind, runConfig, summarize } from '../sim/fuzz/run-seed.js';
import { runKv } from '../sim/run/kv-run.js';

/**
 * Runs the fuzzer once failed on the correct Raft, and runs that show a defence at work against
 * a build outside the zoo, kept as they were found: each must end well on the correct Raft. A
 * file holds the run seed, the configuration and why it is here.
 */
const dir = fileURLToPath(new URL('../../scenarios/regressions/', import.meta.url));

interface Regression {
  readonly why: string;
  readonly seed: number;
  readonly config: FuzzConfig;
}

describe('regressions: runs that once failed on the correct Raft', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('the folder holds regressions', () => {
    expect(files.length).to.be.greaterThan(0);
  });

  it('a run past its pending-event cap ends as an event storm verdict, not a crash', function () {
    this.timeout(60_000);
    // The storm's own configuration, with the cap far below what even the correct Raft keeps
    // pending: the cap must turn into the run's verdict, with a kind that shrinking keeps.
    const regression = JSON.parse(
      readFileSync(dir + 'byone-duplicate-storm.json', 'utf8'),
    ) as Regression;
    const result = runKv({ ...kvRunConfig(regression.seed, regression.config), maxPending: 20 });
    expect(result.verdict).to.equal('liveness');
    expect(result.liveness).to.match(/^event storm: pending-event cap reached: 20 events/);
    expect(failureKind(summarize(result))).to.equal('event storm');
  });

  it("with the leader's nextIndex guards removed (build S01), the storm ends as an event storm", function () {
    this.timeout(300_000);
    const regression = JSON.parse(
      readFileSync(dir + 'byone-duplicate-storm.json', 'utf8'),
    ) as Regression;
    const result = runKv({ ...kvRunConfig(regression.seed, regression.config), mutant: 'S01' });
    expect(failureKind(summarize(result))).to.equal('event storm');
    expect(result.liveness).to.match(/^event storm: /);
  });

  it('a vote rule that is not a total order (build S02) fails the minority trial, and only it', function () {
    this.timeout(60_000);
    const regression = JSON.parse(
      readFileSync(dir + 'minority-trial-partial-order.json', 'utf8'),
    ) as Regression;
    const { minorityTrial, ...plain } = regression.config;
    expect(minorityTrial).to.equal(true);
    const run = (config: FuzzConfig) =>
      runKv({ ...kvRunConfig(regression.seed, config), mutant: 'S02' });
    const trial = run(regression.config);
    expect(failureKind(summarize(trial))).to.equal('minority trial');
    expect(trial.liveness).to.match(/^minority trial \(nodes 2, 3 down\): 3 clerk call/);
    expect(run(plain).verdict).to.equal('ok');
  });

  for (const file of files) {
    it(file.replace(/\.json$/, ''), function () {
      this.timeout(60_000);
      const regression = JSON.parse(readFileSync(dir + file, 'utf8')) as Regression;
      const summary = runConfig(regression.seed, regression.config);
      expect(summary.verdict, `${regression.why}\n${JSON.stringify(summary)}`).to.equal('ok');
      expect(summary.events).to.be.below(2_000_000);
    });
  }
});
