import { expect } from 'chai';
import { failureKind, type RunSummary } from './run-seed.js';

const summary = (over: Partial<RunSummary>): RunSummary => ({
  verdict: 'ok',
  violation: null,
  liveness: null,
  traceHash: '0',
  events: 0,
  virtualMicros: 0,
  operations: 0,
  ...over,
});

describe('fuzz: kinds of failure (what shrinking must keep)', () => {
  it('names the invariant, a storm, or plain liveness; nothing for a passing run', () => {
    expect(failureKind(summary({}))).to.equal(null);
    const violation = { invariant: 'CS' as const, event: 1, t: 1, nodes: [], message: 'x' };
    expect(failureKind(summary({ verdict: 'violation', violation }))).to.equal('CS');
    const storm = 'event storm: event cap reached: 20000000 events executed by 4.6s';
    expect(failureKind(summary({ verdict: 'liveness', liveness: storm }))).to.equal('storm');
    const slow = 'no leader within 5 s of healing';
    expect(failureKind(summary({ verdict: 'liveness', liveness: slow }))).to.equal('liveness');
  });
});
