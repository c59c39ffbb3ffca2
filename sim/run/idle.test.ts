import { expect } from 'chai';
import type { BrokenBuild } from '../../raft/mutants.js';
import { runSeedConfig } from '../cli/run-config.js';
import { failureKind, summarize } from '../fuzz/run-seed.js';
import { BUSY_WHEN_IDLE } from './idle.js';
import { runKv } from './kv-run.js';

/** `raftsim run --seed 1` with 3 servers: 20 s of drawn faults, then the liveness phase. */
function runSeedOne(mutant: BrokenBuild | null) {
  return runKv({ ...runSeedConfig(1, 3), mutant });
}

describe('an idle, healed cluster settles and stays quiet (sim/run/idle.ts)', function () {
  this.timeout(60_000);

  it('the correct Raft passes the idle watch', () => {
    const result = runSeedOne(null);
    expect(result.liveness).to.equal(null);
    expect(result.verdict).to.equal('ok');
  });

  it('a leader that answers every reply with another append (build S03) fails it on traffic', () => {
    const result = runSeedOne('S03');
    expect(result.verdict).to.equal('liveness');
    expect(result.liveness).to.match(
      /^busy when idle: \d+ messages in 2 s with no calls to serve \(heartbeats alone: 80; at most 244 allowed\)$/,
    );
    expect(failureKind(summarize(result))).to.equal(BUSY_WHEN_IDLE);
  });

  it('followers whose election timer only appends with entries push back (build S04) fail it on elections', () => {
    const result = runSeedOne('S04');
    expect(result.verdict).to.equal('liveness');
    expect(result.liveness).to.match(
      /^busy when idle: (an election with a leader in place: term \d+ rose to \d+|not settled 3 s after convergence: node \d)/,
    );
    expect(failureKind(summarize(result))).to.equal(BUSY_WHEN_IDLE);
  });
});
