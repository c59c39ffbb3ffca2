import { expect } from 'chai';
import { failureKind } from './run-seed.js';
import { runDrawn, swarmDraw } from './seed-testkit.js';

describe("a node's panic is a run's verdict, not a crash of the simulator", function () {
  this.timeout(60_000);
  const drawn = swarmDraw(1);
  // Build S07: a clerk's guess after a refusal runs past the last server.
  const run = (mutant: 'S07' | null) => runDrawn(1, drawn, mutant);

  it('names the node and replays to the same trace', () => {
    const first = run('S07');
    expect(failureKind(first)).to.equal('PANIC');
    expect(first.violation?.nodes).to.deep.equal([drawn.servers]); // the first clerk
    expect(first.violation?.message).to.match(/sends to no such peer/);
    expect(run('S07').traceHash).to.equal(first.traceHash);
  });

  it('the correct clerk passes the same seed', () => {
    expect(run(null).verdict).to.equal('ok');
  });
});
