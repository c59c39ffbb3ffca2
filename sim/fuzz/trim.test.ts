import { expect } from 'chai';
import type { TimedFault } from '../nemesis.js';
import type { FuzzConfig } from './config.js';
import type { RunSummary } from './run-seed.js';
import { trimSchedule, type Judge } from './trim.js';

const summary = (violationAt: number | null): RunSummary => ({
  verdict: violationAt === null ? 'ok' : 'violation',
  violation:
    violationAt === null
      ? null
      : { invariant: 'CS', event: 1, t: violationAt, nodes: [], message: 'test' },
  liveness: null,
  traceHash: '',
  events: 0,
  virtualMicros: 0,
  operations: 0,
});

const crashAt = (at: number): TimedFault => ({ at, step: { kind: 'crash', node: at % 3 } });

function configWith(schedule: TimedFault[]): FuzzConfig {
  return {
    servers: 3,
    profile: 'reliable',
    schedule,
    safetyMicros: 100,
    workload: { clerks: 1, keys: 1, getPerMille: 0, thinkMinMicros: 0, thinkMaxMicros: 0 },
    maxRaftStateBytes: 0,
  };
}

/** Fails (kind CS, at time 50) exactly when the steps at times 10 and 30 are both there. */
function judgeNeeding10And30(): { judge: Judge; runs: () => number } {
  let runs = 0;
  const judge: Judge = (config) => {
    runs++;
    const times = config.schedule.map((s) => s.at);
    const fails = times.includes(10) && times.includes(30);
    return { kind: fails ? 'CS' : null, summary: summary(fails ? 50 : null) };
  };
  return { judge, runs: () => runs };
}

describe('trimSchedule (the pass after fast-check shrinking)', () => {
  it('keeps only the steps the failure needs', () => {
    const { judge } = judgeNeeding10And30();
    const start = { config: configWith([5, 10, 20, 30, 40].map(crashAt)), summary: summary(50) };
    const trimmed = trimSchedule(start, 'CS', judge, { budget: 100 });
    expect(trimmed.config.schedule.map((s) => s.at)).to.deep.equal([10, 30]);
    expect(trimmed.summary.violation?.t).to.equal(50);
  });

  it('drops every step after a safety violation in one run first', () => {
    const { judge, runs } = judgeNeeding10And30();
    const start = { config: configWith([10, 30, 60, 70, 80].map(crashAt)), summary: summary(50) };
    const trimmed = trimSchedule(start, 'CS', judge, { budget: 1 });
    expect(runs()).to.equal(1);
    expect(trimmed.config.schedule.map((s) => s.at)).to.deep.equal([10, 30]);
  });

  it('never runs more candidates than its budget, and never accepts another kind of failure', () => {
    const { judge, runs } = judgeNeeding10And30();
    const start = { config: configWith([5, 10, 20, 30, 40].map(crashAt)), summary: summary(50) };
    const trimmed = trimSchedule(start, 'CS', judge, { budget: 2 });
    expect(runs()).to.equal(2);
    expect(trimmed.config.schedule.map((s) => s.at)).to.deep.equal([5, 10, 20, 30]);
    const other = trimSchedule(start, 'liveness', judge, { budget: 100 });
    expect(other.config.schedule).to.have.length(5);
  });
});
