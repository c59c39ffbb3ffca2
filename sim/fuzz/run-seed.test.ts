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
  it('names the invariant, a storm, no convergence, a minority trial, or plain liveness; nothing for a pass', () => {
    expect(failureKind(summary({}))).to.equal(null);
    const violation = { invariant: 'CS' as const, event: 1, t: 1, nodes: [], message: 'x' };
    expect(failureKind(summary({ verdict: 'violation', violation }))).to.equal('CS');
    const storm = 'event storm: event cap reached: 20000000 events executed by 4.6s';
    expect(failureKind(summary({ verdict: 'liveness', liveness: storm }))).to.equal('event storm');
    const pending = 'event storm: pending-event cap reached: 500000 events waiting at 4.6s';
    expect(failureKind(summary({ verdict: 'liveness', liveness: pending }))).to.equal(
      'event storm',
    );
    const lag = 'no convergence within 3.1 s of the last call: node 2 committed 40 and applied 40';
    expect(failureKind(summary({ verdict: 'liveness', liveness: lag }))).to.equal('no convergence');
    const slow = 'no leader within 5 s of healing';
    expect(failureKind(summary({ verdict: 'liveness', liveness: slow }))).to.equal('liveness');
    const trial = 'minority trial (nodes 2, 3 down): no leader within 5 s of healing';
    expect(failureKind(summary({ verdict: 'liveness', liveness: trial }))).to.equal(
      'minority trial',
    );
  });
});
