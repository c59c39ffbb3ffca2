import { expect } from 'chai';
import fc from 'fast-check';
import { describeFault, type FaultStep } from '../nemesis.js';
import {
  APPLIER_LAGS,
  faultKinds,
  fuzzConfig,
  PLAIN_SNAPSHOT_THRESHOLD,
  SNAPSHOT_EVERY_ENTRY,
  SNAPSHOT_THRESHOLDS,
  swarmConfig,
} from './arbitraries.js';
import { parseRepro, REPRO_FORMAT, REPRO_VERSION } from './repro.js';
import type { FuzzConfig } from './config.js';

/** A config as a repro file would carry it: valid configs must pass the repro validation. */
function asRepro(config: FuzzConfig): string {
  return JSON.stringify({
    format: REPRO_FORMAT,
    version: REPRO_VERSION,
    seed: 1,
    traceHash: '',
    config,
  });
}

const KIND_OF_STEP: Record<string, string> = {
  partition: 'partition',
  bridge: 'bridge',
  isolate: 'isolate',
  cut: 'cut',
  isolateLeader: 'isolateLeader',
  heal: 'heal',
  crash: 'crash',
  crashLeader: 'crashLeader',
  restartCrashed: 'restart',
  restart: 'restart',
  profile: 'profile',
  knob: 'knob',
  clock: 'clock',
  pause: 'pause',
  pauseLeader: 'pause',
  resume: 'resume',
  resumePaused: 'resume',
  stall: 'stall',
  partitionLeader: 'partitionLeader',
  stallLeader: 'stallLeader',
  release: 'release',
  slowDisk: 'slowDisk',
  damage: 'damage',
};

describe('fuzz arbitraries', () => {
  it('schedule mode: valid configs, sorted schedules, node ids within the cluster', () => {
    fc.assert(
      fc.property(fuzzConfig(), (config) => {
        expect([3, 4, 5, 6, 7]).to.include(config.servers);
        expect(() => parseRepro(asRepro(config))).to.not.throw();
        const times = config.schedule.map((s) => s.at);
        expect(times).to.deep.equal([...times].sort((a, b) => a - b));
        expect(config.schedule.length).to.be.at.most(12);
      }),
      { numRuns: 200 },
    );
  });

  it('swarm mode: a schedule uses only the kinds its vector enabled', () => {
    fc.assert(
      fc.property(swarmConfig(), (config) => {
        expect(() => parseRepro(asRepro(config))).to.not.throw();
        // Besides the enabled kinds, only the steps that end an episode may appear.
        const allowed = new Set([
          ...(config.swarm?.kinds ?? []),
          'heal',
          'restart',
          'resume',
          'release',
        ]);
        for (const { step } of config.schedule) {
          if (step.kind === 'crashMidInput' || step.kind === 'crashAtSave') {
            // its own kind, or one of the crashes the crash kind draws
            expect(allowed.has(step.kind) || allowed.has('crash')).to.equal(true);
            continue;
          }
          const kind = step.kind === 'knob' && !step.on ? 'knob-off' : KIND_OF_STEP[step.kind];
          expect(kind === 'knob-off' || allowed.has(kind as string), kind).to.equal(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('partitions keep a majority on one side; bridges reach both sides', () => {
    const kinds = faultKinds(5);
    fc.assert(
      fc.property(
        kinds['partition'] as fc.Arbitrary<never>,
        (step: { kind: string; groups: number[][] }) => {
          expect(step.groups[0]?.length).to.be.at.least(3);
          expect(step.groups.flat().sort()).to.deep.equal([0, 1, 2, 3, 4]);
        },
      ),
    );
    fc.assert(
      fc.property(
        kinds['bridge'] as fc.Arbitrary<never>,
        (step: { left: number[]; right: number[]; bridge: number }) => {
          expect([...step.left, ...step.right, step.bridge].sort()).to.deep.equal([0, 1, 2, 3, 4]);
        },
      ),
    );
  });

  it("swarm focus: node faults and partition minorities favour the vector's focus nodes", () => {
    let targeted = 0;
    let onFocus = 0;
    for (const config of fc.sample(swarmConfig(), { seed: 11, numRuns: 300 })) {
      const focus = config.swarm?.focus ?? [];
      expect(focus.length).to.be.within(1, Math.min(3, config.servers - 1));
      for (const node of focus) expect(node).to.be.within(0, config.servers - 1);
      const focused = new Set(focus);
      for (const { step } of config.schedule) {
        let hit: boolean;
        if (step.kind === 'isolate' || step.kind === 'crash' || step.kind === 'clock')
          hit = focused.has(step.node);
        else if (step.kind === 'partition')
          hit = (step.groups[1] ?? []).some((n) => focused.has(n));
        else continue;
        targeted++;
        if (hit) onFocus++;
      }
    }
    expect(targeted).to.be.greaterThan(100);
    // Three in four draws are a focus node, and uniform draws land on one now and then too.
    expect(onFocus / targeted).to.be.greaterThan(0.7);
  });

  it('without a focus, faults hit every node alike', () => {
    const counts = [0, 0, 0, 0, 0];
    for (const step of fc.sample(faultKinds(5)['isolate'] as fc.Arbitrary<FaultStep>, {
      seed: 3,
      numRuns: 1000,
    })) {
      if (step.kind === 'isolate') counts[step.node]!++;
    }
    for (const count of counts) expect(count).to.be.within(150, 250);
  });

  it('schedules damage the saved state of a minority at most, in either mode', () => {
    const damaged = (config: FuzzConfig) =>
      new Set(config.schedule.flatMap(({ step }) => (step.kind === 'damage' ? [step.node] : [])));
    let seen = 0;
    for (const config of [
      ...fc.sample(fuzzConfig(), { seed: 5, numRuns: 300 }),
      ...fc.sample(swarmConfig(), { seed: 5, numRuns: 300 }),
    ]) {
      const nodes = damaged(config);
      seen += nodes.size;
      expect(nodes.size).to.be.at.most(Math.floor((config.servers - 1) / 2));
    }
    expect(seen).to.be.greaterThan(0);
  });

  it('about one seed in eight, in either drawing mode, snapshots after every entry', () => {
    for (const arbitrary of [fuzzConfig(), swarmConfig()]) {
      const thresholds: number[] = [];
      for (let seed = 1; seed <= 400; seed++) {
        const [config] = fc.sample(arbitrary, { seed, numRuns: 1 }) as [FuzzConfig];
        thresholds.push(config.maxRaftStateBytes);
      }
      for (const bytes of thresholds)
        expect([SNAPSHOT_EVERY_ENTRY, ...SNAPSHOT_THRESHOLDS]).to.include(bytes);
      const everyEntry = thresholds.filter((bytes) => bytes === SNAPSHOT_EVERY_ENTRY).length;
      // 50 in 400 at one in eight; fast-check's bias and the sample move it.
      expect(everyEntry).to.be.within(25, 80);
    }
    const swarmSeed = (seed: number) =>
      (fc.sample(swarmConfig(), { seed, numRuns: 1 }) as [FuzzConfig])[0].maxRaftStateBytes;
    // Seed 4 is the first swarm seed that draws it (sim/fuzz/every-entry.test.ts runs it).
    expect([1, 2, 3, 4].map(swarmSeed).map((b) => b === SNAPSHOT_EVERY_ENTRY)).to.deep.equal([
      false,
      false,
      false,
      true,
    ]);
  });

  it('about one seed in eight, in either drawing mode, has a lagging applier', () => {
    for (const arbitrary of [fuzzConfig(), swarmConfig()]) {
      const lags: (number | undefined)[] = [];
      for (let seed = 1; seed <= 400; seed++) {
        const [config] = fc.sample(arbitrary, { seed, numRuns: 1 }) as [FuzzConfig];
        lags.push(config.applierLagMicros);
      }
      const lagging = lags.filter((lag) => lag !== undefined);
      for (const lag of lagging) expect(APPLIER_LAGS).to.include(lag);
      expect(new Set(lagging).size).to.equal(APPLIER_LAGS.length);
      // 50 in 400 at one in eight; fast-check's bias and the sample move it.
      expect(lagging.length).to.be.within(25, 80);
    }
    const lagOf = (seed: number) =>
      (fc.sample(swarmConfig(), { seed, numRuns: 1 }) as [FuzzConfig])[0].applierLagMicros;
    // Seeds 19 and 20 are the first swarm seeds that draw one (applier-lag.test.ts runs 20).
    expect([18, 19, 20].map(lagOf).map((lag) => lag !== undefined)).to.deep.equal([
      false,
      true,
      true,
    ]);
  });

  it('shrinking drops the applier lag when the failure does not need it', () => {
    let failed = false;
    const details = fc.check(
      fc.property(swarmConfig(), (config) => {
        failed ||= config.applierLagMicros !== undefined;
        return !failed;
      }),
      { seed: 7, numRuns: 200 },
    );
    expect(details.failed).to.equal(true);
    expect(details.counterexample?.[0]).not.to.have.property('applierLagMicros');
  });

  it('shrinking drops snapshots after every entry when the failure does not need them', () => {
    let failed = false;
    const details = fc.check(
      fc.property(swarmConfig(), (config) => {
        // Fails first on a run that snapshots after every entry, then on any configuration.
        failed ||= config.maxRaftStateBytes === SNAPSHOT_EVERY_ENTRY;
        return !failed;
      }),
      { seed: 7, numRuns: 200 },
    );
    expect(details.failed).to.equal(true);
    expect(details.counterexample?.[0].maxRaftStateBytes).to.equal(PLAIN_SNAPSHOT_THRESHOLD);
  });

  it('every fault kind has a description', () => {
    for (const arbitrary of Object.values(faultKinds(3))) {
      for (const step of fc.sample(arbitrary, { seed: 1, numRuns: 5 }))
        expect(describeFault(step)).to.be.a('string');
    }
  });

  it('shrinking makes schedules smaller: a property failing on any crash shrinks to one crash episode', () => {
    const details = fc.check(
      fc.property(fuzzConfig(), (config) => !config.schedule.some((s) => s.step.kind === 'crash')),
      { seed: 7, numRuns: 500 },
    );
    expect(details.failed).to.equal(true);
    const shrunk = details.counterexample?.[0];
    // one crash episode: the crash at time 0 and, as short as a quick reboot can be, its restart
    expect(shrunk?.schedule).to.deep.equal([
      { at: 0, step: { kind: 'crash', node: 0 } },
      { at: 1_000, step: { kind: 'restart', node: 0 } },
    ]);
    expect(shrunk?.servers).to.equal(3);
  });
});
