import { expect } from 'chai';
import { runKv } from '../run/kv-run.js';
import { BLANK_SHARES } from './arbitraries.js';
import { kvRunConfig } from './config.js';
import { expectShareDrawn, runDrawn, swarmDraw } from './seed-testkit.js';

/** Swarm seed 26: one clerk on five keys, mostly puts, three in ten of them blank. */
const SEED = 26;
const DRAWN = swarmDraw(SEED);

describe("blank puts: a key that holds '' exists", function () {
  this.timeout(60_000);

  it('about one swarm seed in eight draws them; the others store none', () => {
    expectShareDrawn('blankPerMille', BLANK_SHARES, DRAWN);
  });

  it("the correct service writes '' and reads it back as a value, not as a missing key", () => {
    const result = runKv(kvRunConfig(SEED, DRAWN));
    expect(result.verdict).to.equal('ok');
    const blankWrites = result.history.filter(
      (op) => op.input.op === 'put' && op.input.value === '' && op.output?.err === 'OK',
    );
    const blankReads = result.history.filter(
      (op) =>
        op.input.op === 'get' &&
        op.output?.err === 'OK' &&
        'value' in op.output &&
        op.output.value === '',
    );
    expect(blankWrites.length).to.be.above(0);
    expect(blankReads.length).to.be.above(0);
  });

  it("a service that takes '' for a missing key (build S12) fails; without blank puts it passes", () => {
    const broken = runDrawn(SEED, DRAWN, 'S12');
    expect(broken.verdict).to.equal('violation');
    expect(broken.violation?.invariant).to.equal('DUR');
    expect(broken.violation?.message).to.match(/answered get \d+ of clerk \d+ with ErrNoKey/);
    const { blankPerMille: _blank, ...valued } = DRAWN.workload;
    expect(runDrawn(SEED, { ...DRAWN, workload: valued }, 'S12').verdict).to.equal('ok');
  });
});
