import { expect } from 'chai';
import { runKv } from '../run/kv-run.js';
import { STRAY_SHARES } from './arbitraries.js';
import { kvRunConfig, type FuzzConfig } from './config.js';
import { expectShareDrawn, swarmDraw } from './seed-testkit.js';

/** Swarm seed 51: one clerk on four keys, almost all writes puts, three in ten of them stray. */
const SEED = 51;
const DRAWN = swarmDraw(SEED);

function putAnswers(config: FuzzConfig): Map<string, number> {
  const result = runKv(kvRunConfig(SEED, config));
  expect(result.verdict).to.equal('ok');
  const answers = new Map<string, number>();
  for (const op of result.history) {
    if (op.input.op !== 'put' || op.output === null) continue;
    answers.set(op.output.err, (answers.get(op.output.err) ?? 0) + 1);
  }
  return answers;
}

describe('stray puts try the version check and the missing-key answer', function () {
  this.timeout(60_000);

  it('about one swarm seed in eight draws them; the others store none', () => {
    expectShareDrawn('strayPerMille', STRAY_SHARES, DRAWN);
  });

  it('the correct service refuses them: ErrNoKey on a missing key, and more ErrVersion', () => {
    const { strayPerMille: _stray, ...known } = DRAWN.workload;
    const stray = putAnswers(DRAWN);
    const plain = putAnswers({ ...DRAWN, workload: known });
    expect(stray.get('ErrNoKey') ?? 0).to.be.above(0);
    expect(plain.get('ErrNoKey') ?? 0).to.equal(0);
    expect(stray.get('ErrVersion') ?? 0).to.be.above(plain.get('ErrVersion') ?? 0);
  });
});
