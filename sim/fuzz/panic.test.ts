import { expect } from 'chai';
import fc from 'fast-check';
import { runKv } from '../run/kv-run.js';
import { swarmConfig } from './arbitraries.js';
import { kvRunConfig, type FuzzConfig } from './config.js';
import { failureKind, summarize } from './run-seed.js';

describe("a node's panic is a run's verdict, not a crash of the simulator", function () {
  this.timeout(60_000);
  const [drawn] = fc.sample(swarmConfig(), { seed: 1, numRuns: 1 }) as [FuzzConfig];
  // Build S07: a clerk's guess after a refusal runs past the last server.
  const run = (mutant: 'S07' | null) => summarize(runKv({ ...kvRunConfig(1, drawn), mutant }));

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
