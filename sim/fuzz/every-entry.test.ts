import { expect } from 'chai';
import { PLAIN_SNAPSHOT_THRESHOLD, SNAPSHOT_EVERY_ENTRY } from './arbitraries.js';
import { swarmSeed } from './seed-testkit.js';

/** Swarm seed 4, the first of seeds 1, 2, … that snapshots after every entry (7 servers). */
const SEED = 4;
const { drawn: DRAWN, run: runSeed } = swarmSeed(SEED);

describe('snapshots after every entry reach the empty log past a snapshot', function () {
  this.timeout(60_000);

  it('swarm seed 4 draws a snapshot after every entry', () => {
    expect(DRAWN.maxRaftStateBytes).to.equal(SNAPSHOT_EVERY_ENTRY);
  });

  it('the correct Raft passes it', () => {
    expect(runSeed(DRAWN, null).verdict).to.equal('ok');
  });

  it('a voter that takes an empty log to end in term 0 (build S05) fails it on LC', () => {
    const summary = runSeed(DRAWN, 'S05');
    expect(summary.verdict).to.equal('violation');
    expect(summary.violation?.invariant).to.equal('LC');
  });

  it('with a 4,096-byte threshold, S05 passes the same seed', () => {
    const plain = { ...DRAWN, maxRaftStateBytes: PLAIN_SNAPSHOT_THRESHOLD };
    expect(runSeed(plain, 'S05').verdict).to.equal('ok');
  });
});
