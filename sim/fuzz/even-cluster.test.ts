import { expect } from 'chai';
import fc from 'fast-check';
import { evenSizeBeside, swarmConfig } from './arbitraries.js';
import { foldConfig } from './fold.js';
import { aboutOneSeedInEight, swarmSeed } from './seed-testkit.js';

/** Swarm seed 12: the first of 1, 2, … to draw an even cluster (six nodes, drawn as seven). */
const SEED = 12;
const { drawn: DRAWN, run: runSeed } = swarmSeed(SEED);

describe('even clusters, where slips at the edge of a majority show', function () {
  this.timeout(60_000);

  it('about one swarm seed in eight runs four or six nodes; the others stay odd', () => {
    const sizes = fc.sample(swarmConfig(), { seed: 1, numRuns: 400 }).map((c) => c.servers);
    expect(new Set(sizes)).to.deep.equal(new Set([3, 4, 5, 6, 7]));
    aboutOneSeedInEight((c) => c.servers % 2 === 0);
    expect(DRAWN.servers).to.equal(6);
  });

  it('a size the user fixes is never changed', () => {
    const sizes = fc.sample(swarmConfig({ servers: 5 }), { seed: 1, numRuns: 200 });
    expect(new Set(sizes.map((c) => c.servers))).to.deep.equal(new Set([5]));
  });

  it('the even size sits beside the odd one it was drawn for', () => {
    expect([3, 5, 7].map(evenSizeBeside)).to.deep.equal([4, 6, 6]);
  });

  it('the correct Raft passes the seed', () => {
    expect(runSeed(DRAWN, null).verdict).to.equal('ok');
  });

  it('a vote majority of half the cluster (build S08) elects two leaders there', () => {
    const summary = runSeed(DRAWN, 'S08');
    expect(summary.violation?.invariant).to.equal('ES');
    expect(runSeed(foldConfig(DRAWN, 7), 'S08').verdict).to.equal('ok');
  });

  it('a commit on half the cluster (build S09) loses a committed entry there', () => {
    const summary = runSeed(DRAWN, 'S09');
    expect(summary.violation?.invariant).to.equal('CS');
    expect(runSeed(foldConfig(DRAWN, 7), 'S09').verdict).to.equal('ok');
  });
});
