import { expect } from 'chai';
import type { BrokenBuild } from '../../raft/mutants.js';
import type { FuzzConfig } from '../fuzz/config.js';
import { failureKind } from '../fuzz/run-seed.js';
import { LEFT_WAITING, OVER_BUDGET } from './settled.js';
import { runDrawn, swarmDraw } from '../fuzz/seed-testkit.js';

/** Swarm seed 1: five servers and a snapshot budget of 400 bytes of Raft state. */
const DRAWN = swarmDraw(1);

function runSeed(config: FuzzConfig, mutant: BrokenBuild | null) {
  return runDrawn(1, config, mutant);
}

describe('a settled server: its Raft state within budget, no call left waiting', function () {
  this.timeout(60_000);

  it('the correct service passes', () => {
    expect(runSeed(DRAWN, null).verdict).to.equal('ok');
  });

  it('a service that never notes the size of its saves (build S10) ends over budget', () => {
    const summary = runSeed(DRAWN, 'S10');
    expect(summary.verdict).to.equal('liveness');
    expect(summary.liveness).to.match(new RegExp(`^${OVER_BUDGET}: node \\d saved \\d+ bytes`));
    expect(failureKind(summary)).to.equal(OVER_BUDGET); // shrinking keeps it over budget
  });

  it('without a budget the same service passes: nothing asked it to snapshot', () => {
    expect(runSeed({ ...DRAWN, maxRaftStateBytes: 0 }, 'S10').verdict).to.equal('ok');
  });

  it('a server that keeps each answered call in its waiting table (build S11) fails', () => {
    const summary = runSeed(DRAWN, 'S11');
    expect(summary.liveness).to.match(new RegExp(`^${LEFT_WAITING}: node \\d applied through`));
    expect(failureKind(summary)).to.equal(LEFT_WAITING);
  });
});
