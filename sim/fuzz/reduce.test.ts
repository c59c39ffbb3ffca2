import { expect } from 'chai';
import type { TimedFault } from '../nemesis.js';
import { PLAIN_SNAPSHOT_THRESHOLD, SNAPSHOT_EVERY_ENTRY } from './arbitraries.js';
import type { FuzzConfig } from './config.js';
import { reduceConfig } from './reduce.js';
import type { RunSummary } from './summary.js';
import type { Judge } from './trim.js';

const summary = (fails: boolean): RunSummary => ({
  verdict: fails ? 'violation' : 'ok',
  violation: fails ? { invariant: 'CS', event: 1, t: 9_000_000, nodes: [], message: 'test' } : null,
  liveness: null,
  traceHash: '',
  events: 0,
  virtualMicros: 0,
  operations: 0,
});

/** Node 6 isolated from 1 s to 3 s, node 4 crashed from 2 s to 6 s, a pause on node 2. */
const SCHEDULE: TimedFault[] = [
  { at: 1_000_000, step: { kind: 'isolate', node: 6 } },
  { at: 2_000_000, step: { kind: 'crash', node: 4 } },
  { at: 2_500_000, step: { kind: 'pause', node: 2 } },
  { at: 3_000_000, step: { kind: 'heal' } },
  { at: 3_500_000, step: { kind: 'resume', node: 2 } },
  { at: 6_000_000, step: { kind: 'restart', node: 4 } },
];

const START: FuzzConfig = {
  servers: 7,
  profile: 'unreliable',
  schedule: SCHEDULE,
  safetyMicros: 10_000_000,
  workload: {
    clerks: 4,
    keys: 5,
    getPerMille: 300,
    appendPerMille: 500,
    thinkMinMicros: 0,
    thinkMaxMicros: 20_000,
  },
  maxRaftStateBytes: 4096,
  raft: { maxEntriesPerAppend: 4, backup: 'toMatch' },
  delivery: 'labrpc',
  swarm: { kinds: ['isolate', 'crash', 'pause'], meanGapMicros: 500_000, focus: [6, 4] },
};

/** A judge that fails (kind CS) whenever `fails` says so, counting its runs. */
function judgeBy(fails: (config: FuzzConfig) => boolean): { judge: Judge; runs: () => number } {
  let runs = 0;
  const judge: Judge = (config) => {
    runs++;
    const failed = fails(config);
    return { kind: failed ? 'CS' : null, summary: summary(failed) };
  };
  return { judge, runs: () => runs };
}

const crashLasting = (config: FuzzConfig): number => {
  const crash = config.schedule.find((s) => s.step.kind === 'crash');
  const restart = config.schedule.find((s) => s.step.kind === 'restart');
  return crash === undefined || restart === undefined ? 0 : restart.at - crash.at;
};

describe('reduceConfig (shrinking a configuration held as data)', () => {
  it('shrinks the cluster, the schedule, the episodes and the world to what the failure needs', () => {
    // Fails while some node stays crashed for at least a second.
    const { judge } = judgeBy((c) => crashLasting(c) >= 1_000_000);
    const reduced = reduceConfig({ config: START, summary: summary(true) }, 'CS', judge, {
      budget: 100,
    }).config;
    expect(reduced.servers).to.equal(3);
    expect(reduced.schedule.map((s) => s.step.kind)).to.deep.equal(['crash', 'restart']);
    // Node 4 folds onto node 1 of three; the focus folds with it.
    expect(reduced.schedule.map((s) => ('node' in s.step ? s.step.node : -1))).to.deep.equal([
      1, 1,
    ]);
    expect(reduced.swarm?.focus).to.deep.equal([0, 1]);
    // Halved from 4 s while it still failed: 2 s, then 1 s; half a second would pass.
    expect(crashLasting(reduced)).to.equal(1_000_000);
    expect(reduced.profile).to.equal('reliable');
    expect(reduced.workload).to.deep.equal({
      clerks: 1,
      keys: 1,
      getPerMille: 300,
      thinkMinMicros: 0,
      thinkMaxMicros: 0,
    });
    expect(reduced.raft).to.equal(undefined);
    expect(reduced.delivery).to.equal(undefined);
  });

  it('keeps what the failure needs: the cluster size, two clerks, the network', () => {
    const { judge } = judgeBy(
      (c) =>
        c.servers >= 5 &&
        c.workload.clerks >= 2 &&
        c.profile === 'unreliable' &&
        c.schedule.some((s) => s.step.kind === 'pause'),
    );
    const reduced = reduceConfig({ config: START, summary: summary(true) }, 'CS', judge, {
      budget: 100,
    }).config;
    expect(reduced.servers).to.equal(5);
    expect(reduced.workload.clerks).to.equal(2);
    expect(reduced.profile).to.equal('unreliable');
    expect(reduced.schedule.map((s) => s.step.kind)).to.deep.equal(['pause']);
  });

  it('snapshots past the plain threshold, not after every entry, unless the failure needs it', () => {
    const everyEntry = { ...START, maxRaftStateBytes: SNAPSHOT_EVERY_ENTRY };
    const reduceWith = (fails: (config: FuzzConfig) => boolean) =>
      reduceConfig({ config: everyEntry, summary: summary(true) }, 'CS', judgeBy(fails).judge, {
        budget: 100,
      }).config.maxRaftStateBytes;
    expect(reduceWith(() => true)).to.equal(PLAIN_SNAPSHOT_THRESHOLD);
    expect(reduceWith((c) => c.maxRaftStateBytes === SNAPSHOT_EVERY_ENTRY)).to.equal(
      SNAPSHOT_EVERY_ENTRY,
    );
  });

  it('applies inside the Raft step, not through a lagging applier, unless the failure needs it', () => {
    const lagging = { ...START, applierLagMicros: 50_000 };
    const reduceWith = (fails: (config: FuzzConfig) => boolean) =>
      reduceConfig({ config: lagging, summary: summary(true) }, 'CS', judgeBy(fails).judge, {
        budget: 100,
      }).config.applierLagMicros;
    expect(reduceWith(() => true)).to.equal(undefined);
    expect(reduceWith((c) => c.applierLagMicros !== undefined)).to.equal(50_000);
  });

  it('goes round again when a plainer world lets a step go or the cluster fold', () => {
    // On the unreliable network the pause matters and five servers are needed; on the reliable
    // one neither: the plainer world comes after the trim and the fold, so only a second round
    // can take them.
    const { judge } = judgeBy(
      (c) =>
        c.schedule.some((s) => s.step.kind === 'crash') &&
        (c.profile === 'reliable' ||
          (c.servers >= 5 && c.schedule.some((s) => s.step.kind === 'pause'))),
    );
    const reduced = reduceConfig({ config: START, summary: summary(true) }, 'CS', judge, {
      budget: 200,
    }).config;
    expect(reduced.profile).to.equal('reliable');
    expect(reduced.servers).to.equal(3);
    expect(reduced.schedule.map((s) => s.step.kind)).to.deep.equal(['crash']);
  });

  it('never runs more candidates than its budget, and keeps the smallest failure so far', () => {
    const { judge, runs } = judgeBy(() => true);
    const reduced = reduceConfig({ config: START, summary: summary(true) }, 'CS', judge, {
      budget: 3,
    }).config;
    expect(runs()).to.equal(3);
    expect(reduced.servers).to.equal(3);
    expect(reduced.schedule.length).to.be.below(START.schedule.length);
  });

  it('keeps a cluster size the user fixed (--nodes)', () => {
    const { judge } = judgeBy(() => true);
    const reduced = reduceConfig(
      { config: START, summary: summary(true) },
      'CS',
      judge,
      { budget: 100 },
      true,
    ).config;
    expect(reduced.servers).to.equal(7);
    expect(reduced.schedule).to.deep.equal([]);
  });

  it('a failure of another kind does not count', () => {
    let runs = 0;
    const judge: Judge = () => {
      runs++;
      return { kind: 'LIN', summary: summary(true) };
    };
    const reduced = reduceConfig({ config: START, summary: summary(true) }, 'CS', judge, {
      budget: 500,
    });
    expect(reduced.config).to.equal(START);
    expect(runs).to.be.below(500);
  });
});
