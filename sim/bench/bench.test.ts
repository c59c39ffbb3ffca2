import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { corpusDir } from '../check/corpus-path.js';
import type { CorpusTiming } from './checker.js';
import { medianSample, spreadOf } from './measure.js';
import { BenchFailure } from './suite.js';
import { fuzzRate } from './suites.js';

describe('bench: figures', () => {
  it('a spread is the median with the smallest and largest sample beside it', () => {
    expect(spreadOf([3, 1, 2])).to.deep.equal({ median: 2, min: 1, max: 3, repetitions: 3 });
    expect(spreadOf([4, 1, 3, 2])).to.deep.equal({ median: 2.5, min: 1, max: 4, repetitions: 4 });
    expect(() => spreadOf([])).to.throw(/no samples/);
  });

  it('the median sample carries its other fields along', () => {
    const samples = [
      { t: 5, file: 'a' },
      { t: 1, file: 'b' },
      { t: 3, file: 'c' },
    ];
    expect(medianSample(samples, (s) => s.t).file).to.equal('c');
  });
});

describe('bench: fuzz rates', () => {
  it('count the seeds that ran', async () => {
    const rate = await fuzzRate(0, 3, 1_000);
    expect(rate.runs).to.equal(3);
    expect(rate.perSecond).to.be.closeTo(3 / rate.seconds, 1e-9);
  });

  it('stop the bench on a failing seed and name it', async () => {
    // Z01's recorded repro fails on swarm seed 20 (scenarios/mutants/Z01.repro.json).
    const failing = fuzzRate(0, 2, 19, { mode: 'swarm', shrink: false, mutant: 'Z01' });
    const error: unknown = await failing.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(BenchFailure);
    expect((error as Error).message)
      .to.match(/seed 20 failed/)
      .and.match(/--mutant Z01/);
  });
});

describe('bench: the checker cold pass', () => {
  it('runs in a fresh process and gets every kv verdict right', () => {
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('./checker-cold.js', import.meta.url)), corpusDir('porcupine'), 'kv'],
      { encoding: 'utf8' },
    );
    expect(child.status, child.stderr).to.equal(0);
    const timing = JSON.parse(child.stdout) as CorpusTiming;
    expect(timing.wrong).to.deep.equal([]);
    expect(timing.etcd).to.equal(0);
    expect(timing.kv).to.be.greaterThan(0);
    expect(timing.slowestFile).to.match(/^kv\//);
  });

  it('refuses a family it does not know, with exit 2', () => {
    const child = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('./checker-cold.js', import.meta.url)), corpusDir('porcupine'), 'x'],
      { encoding: 'utf8' },
    );
    expect(child.status).to.equal(2);
    expect(child.stderr).to.match(/usage/);
  });
});

describe('raftsim bench: usage', () => {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  it('refuses an unknown suite in --only with one line and exit 2', () => {
    const child = spawnSync(process.execPath, [main, 'bench', '--only', 'engine,nope'], {
      encoding: 'utf8',
    });
    expect(child.status).to.equal(2);
    expect(child.stderr.trim().split('\n')).to.have.length(1);
    expect(child.stderr).to.match(/unknown suite "nope"/);
  });
});
