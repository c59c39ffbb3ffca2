import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusDir } from '../check/corpus-path.js';
import {
  checkParsed,
  parseHistoryFile,
  RAFTSIM_FORMAT,
  RAFTSIM_FORMAT_VERSION,
} from '../check/index.js';
import type { CampaignResult } from '../cli/campaign.js';
import { requireCleanCampaign } from './clean-campaign.js';
import { clusterRate, referenceConfig } from './cluster.js';
import { generateKvHistory } from './checker-histories.js';
import type { CorpusTiming } from './checker.js';
import { medianSample, spreadOf } from './measure.js';
import { BenchFailure } from './suite.js';
import { fuzzSeed } from '../fuzz/run-seed.js';
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

describe('bench: generated kv histories', () => {
  it('are valid raftsim-history files, and linearizable', () => {
    const operations = generateKvHistory(2_000, 7);
    const file = {
      format: RAFTSIM_FORMAT,
      version: RAFTSIM_FORMAT_VERSION,
      model: 'kv',
      operations,
    };
    const parsed = parseHistoryFile(JSON.stringify(file));
    expect(parsed.operations).to.have.length(2_000);
    expect(checkParsed(parsed).verdict).to.equal('ok');
  });
});

describe('bench: fuzz rates', () => {
  it('count the seeds that ran', async () => {
    const rate = await fuzzRate(0, 3, 1_000);
    expect(rate.runs).to.equal(3);
    expect(rate.perSecond).to.be.closeTo(3 / rate.seconds, 1e-9);
  });

  it('stop the bench on a failing seed and name it', async function () {
    this.timeout(300_000);
    // Z01 (a vote counted twice) fails within a few dozen swarm seeds; find the first one.
    const options = { mode: 'swarm', shrink: false, mutant: 'Z01' } as const;
    let failing = 1;
    while (fuzzSeed(failing, options).failure === null) {
      failing++;
      expect(failing, 'Z01 should fail within 200 swarm seeds').to.be.at.most(200);
    }
    const error: unknown = await fuzzRate(0, 2, Math.max(1, failing - 1), options).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(BenchFailure);
    expect((error as Error).message)
      .to.match(new RegExp(`seed ${failing} failed`))
      .and.match(/--mutant Z01/);
  });
});

describe('bench: a campaign counts only when clean', () => {
  const clean = { runs: 3, failure: null, crashes: [], unknownRuns: [], interrupted: false };
  const replay = (seed: number) => `raftsim fuzz --seed ${seed} --runs 1`;
  const outcome = (result: CampaignResult) => {
    try {
      requireCleanCampaign('fuzz', result, 3, replay);
      return 'counted';
    } catch (error) {
      expect(error).to.be.instanceOf(BenchFailure);
      return (error as Error).message;
    }
  };

  it('counts a campaign that ran every planned seed with no failure and no crash', () => {
    expect(outcome(clean)).to.equal('counted');
  });

  it('stops on a crash, even one whose re-run held, and on a campaign cut short', () => {
    const crash = { seed: 2, cause: 'out of memory', reran: true, rerunVerdict: 'ok' as const };
    expect(outcome({ ...clean, crashes: [{ ...crash, error: null }] })).to.equal(
      'fuzz: the simulator crashed on seed 2 (out of memory); replay it with: raftsim fuzz --seed 2 --runs 1',
    );
    expect(outcome({ ...clean, runs: 2 })).to.equal('fuzz: 2 of 3 seeds ran');
  });
});

describe('bench: a cluster rate on given seeds', () => {
  it('runs those seeds in whole passes, so a second configuration does the same work', () => {
    // Seeds 1 and 2 for at least a second: several passes, each of both seeds.
    const rate = clusterRate('reference workload', referenceConfig, 1, 2);
    expect(rate.runs).to.be.at.least(2);
    expect(rate.runs % 2).to.equal(0);
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
  it('refuses an unknown suite in --only with one line and exit 2 (spaces around names are fine)', () => {
    const child = spawnSync(process.execPath, [main, 'bench', '--only', 'engine, nope'], {
      encoding: 'utf8',
    });
    expect(child.status).to.equal(2);
    expect(child.stderr.trim().split('\n')).to.have.length(1);
    expect(child.stderr).to.match(/unknown suite "nope"/);
  });
});

/** Whether a process runs (a zombie, dead but not yet reaped, does not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function within(ms: number, condition: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('bench: a measurement in a child process', () => {
  it('ends with the bench when a signal ends the bench, rather than run on orphaned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-bench-child-'));
    const pidFile = join(dir, 'child.pid');
    const sleeper = join(dir, 'sleeper.mjs');
    writeFileSync(
      sleeper,
      `import { writeFileSync } from 'node:fs';
       writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
       setTimeout(() => {}, 30_000);`,
    );
    const measure = new URL('./measure.js', import.meta.url).href;
    const script = `import { runChild } from ${JSON.stringify(measure)};
      await runChild(${JSON.stringify(sleeper)}, []);`;
    const bench = spawn(process.execPath, ['--input-type=module', '-e', script]);
    const exited = new Promise<number | null>((resolve) => bench.on('exit', resolve));
    // The file may exist before its pid is in it: wait for a pid, not for the file.
    const pidOf = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0);
    expect(await within(10_000, () => pidOf() > 0)).to.equal(true);
    const child = pidOf();
    try {
      bench.kill('SIGTERM');
      expect(await exited).to.equal(143);
      expect(await within(2_000, () => !running(child))).to.equal(true);
    } finally {
      if (running(child)) process.kill(child, 'SIGKILL');
    }
  });
});
