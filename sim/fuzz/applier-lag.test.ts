import { expect } from 'chai';
import fc from 'fast-check';
import { APPLIER_LAGS, swarmConfig } from './arbitraries.js';
import type { FuzzConfig } from './config.js';
import { swarmSeed } from './seed-testkit.js';

/** Swarm seed 20: a 200 ms applier lag, the second such seed of 1, 2, … and the first to catch build S06. */
const SEED = 20;
const { drawn: DRAWN, run: runSeed } = swarmSeed(SEED);

function withoutLag(config: FuzzConfig): FuzzConfig {
  const { applierLagMicros: _lag, ...synchronous } = config;
  return synchronous;
}

describe('a lagging applier reaches a service whose applied index trails Raft', function () {
  this.timeout(60_000);

  it('swarm seed 20 draws a lagging applier; seeds without one store none', () => {
    expect(APPLIER_LAGS).to.include(DRAWN.applierLagMicros);
    const [plain] = fc.sample(swarmConfig(), { seed: 1, numRuns: 1 }) as [FuzzConfig];
    expect(plain).not.to.have.property('applierLagMicros');
  });

  it('the correct service passes it', () => {
    expect(runSeed(DRAWN, null).verdict).to.equal('ok');
  });

  it("a service that snapshots at Raft's commit index (build S06) fails it", () => {
    // G7 sees the first save that pairs Raft's snapshot index with a table applied through less.
    const summary = runSeed(DRAWN, 'S06');
    expect(summary.violation?.invariant).to.equal('G7');
    // Without G7, the servers that restored such a snapshot never converge.
    const unwatched = runSeed({ ...DRAWN, without: ['G7'] }, 'S06');
    expect(unwatched.verdict).to.equal('liveness');
    expect(unwatched.liveness).to.match(/hold different service states/);
  });

  it('without the lag, S06 passes the same seed', () => {
    expect(runSeed(withoutLag(DRAWN), 'S06').verdict).to.equal('ok');
  });
});
