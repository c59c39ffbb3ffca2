import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { seconds } from '../time.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCampaign, type CampaignOptions } from './campaign.js';
import { parseFuzzOptions } from './fuzz-options.js';
import type { FuzzConfig } from '../fuzz/config.js';
import { endingCrash, type SeedCrash } from './crash.js';
import { finish, reportCrash } from './fuzz-summary.js';
import { CoverageTally } from '../fuzz/coverage-tally.js';
import { capturingStderr } from '../testing/capture-stderr.js';

const crashingWorker = new URL('../testing/crashing-worker.js', import.meta.url);

/** A crash of guided run 17 (seed 2^32 + 44) on a three-server configuration. */
function guidedCrashAt17(cause: string, error: string, reran: boolean): SeedCrash {
  const config = { servers: 3 } as unknown as FuzzConfig;
  return {
    seed: 2 ** 32 + 44,
    cause,
    reran,
    rerunVerdict: null,
    error,
    guided: { index: 17, config },
  };
}

function campaign(baseSeed: number, runs: number, more: Partial<CampaignOptions> = {}) {
  const options: CampaignOptions = {
    baseSeed,
    runs,
    timeUp: () => false,
    workers: 1,
    shard: { index: 1, count: 1 },
    seed: { mode: 'schedule', servers: 3, safetyMicros: seconds(1), shrink: false },
    interrupted: () => false,
    workerFile: crashingWorker,
    ...more,
  };
  // Each crash is named on stderr as it happens; kept out of the test output.
  return capturingStderr(() => runCampaign(options));
}

describe('campaign: a worker that dies loses no seed', function () {
  this.timeout(120_000);

  it('a worker thread that exits is a crash on its seed, re-run in a fresh worker; the campaign goes on', async () => {
    const { result } = await campaign(1000, 3);
    expect(result.crashes).to.have.length(1);
    const [crash] = result.crashes;
    expect(crash?.seed).to.equal(1002);
    expect(crash?.cause).to.match(/exit/i);
    expect(crash?.reran).to.equal(true);
    expect(crash?.rerunVerdict).to.equal('ok');
    expect(crash?.error).to.equal(null);
    expect(result.failure).to.equal(null);
    expect(result.runs).to.equal(3);
  });

  it('a crash whose re-run holds hides no failure at a later seed', async () => {
    // Seeds 1002, 1007, 1012: the first crashes once, the second fails under Z06.
    const seed = { mode: 'schedule', servers: 3, safetyMicros: seconds(1), shrink: false };
    const { result } = await campaign(1002, 3, {
      shard: { index: 1, count: 5 },
      seed: { ...seed, mode: 'schedule', mutant: 'Z06' },
    });
    expect(result.crashes.map((c) => [c.seed, c.rerunVerdict])).to.deep.equal([[1002, 'ok']]);
    expect(result.failure?.seed).to.equal(1007);
    expect(result.runs).to.equal(2);
  });

  it('a seed that kills every worker it runs in ends the campaign there, not the process', async () => {
    const { result } = await campaign(1004, 3);
    expect(result.crashes).to.have.length(1);
    const [crash] = result.crashes;
    expect(crash?.seed).to.equal(1004);
    expect(crash?.reran).to.equal(true);
    expect(crash?.rerunVerdict).to.equal(null);
    expect(crash?.error).to.match(/exit/i);
    expect(endingCrash(result.crashes)).to.equal(crash);
    expect(result.runs).to.equal(1);
  });

  it('a run that never returns is stopped and counted as a crash: hung twice, the campaign ends there', async () => {
    const { result } = await campaign(1005, 3, { runTimeoutMillis: 500 });
    expect(result.crashes).to.have.length(1);
    const [crash] = result.crashes;
    expect(crash?.seed).to.equal(1005);
    expect(crash?.cause).to.match(/hung: no result within 0.5 s/);
    expect(crash?.error).to.match(/hung/);
    expect(crash?.rerunVerdict).to.equal(null);
    expect(result.runs).to.equal(1);
  });

  it('leaves nothing running past the lowest failure: a re-run there that would never end is stopped', () => {
    // Seed 1008 fails after 1.5 s; meanwhile 1009's worker dies and its re-run never returns.
    const script = `
      import { runCampaign } from ${JSON.stringify(new URL('./campaign.js', import.meta.url).href)};
      const result = await runCampaign({
        baseSeed: 1008, runs: 2, timeUp: () => false, workers: 2, shard: { index: 1, count: 1 },
        seed: { mode: 'schedule', servers: 3, safetyMicros: 1000000, shrink: false },
        interrupted: () => false, runTimeoutMillis: 60000,
        workerFile: new URL(${JSON.stringify(crashingWorker.href)}),
      });
      console.log(JSON.stringify({ failure: result.failure?.seed, crashes: result.crashes.length }));
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(JSON.parse(child.stdout)).to.deep.equal({ failure: 1008, crashes: 0 });
    // The process ends with the campaign, not when the re-run's 60 s hang bound would stop it.
    expect(Date.now() - started).to.be.below(30_000);
  });

  it('names the seed on stderr before re-running it', async () => {
    const { stderr } = await campaign(1002, 1);
    expect(stderr).to.match(
      /^raftsim: the simulator crashed on seed 1002 \(.*\); re-running it in a fresh worker\n$/,
    );
  });

  it('an exception in a worker is a crash too, never an aborted campaign', async () => {
    const { result } = await campaign(1003, 2);
    expect(result.crashes.map((c) => c.seed)).to.deep.equal([1003]);
    expect(result.crashes[0]?.cause).to.contain('injected crash on seed 1003');
    expect(result.crashes[0]?.error).to.contain('injected crash on seed 1003');
    expect(result.runs).to.equal(1);
  });
});

describe('campaign: a crashed seed names a replay that runs it the same way', () => {
  it('carries the mode, size, mutant, monitors off and trials off of the campaign', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'raftsim-crash-'));
    const options = parseFuzzOptions(
      ['--mode', 'schedule', '--nodes', '5', '--mutant', 'Z10', '--without', 'G1,G5'].concat([
        '--no-minority-trials',
        '--reports',
        reports,
      ]),
    );
    const crash: SeedCrash = {
      seed: 3,
      cause: 'out of memory',
      reran: true,
      rerunVerdict: 'ok',
      error: null,
    };
    const { stderr } = await capturingStderr(() => reportCrash(crash, options));
    expect(stderr).to.include('re-run in a fresh worker: ok');
    expect(stderr).to.include(
      'replay: npx raftsim fuzz --runs 1 --seed 3 --workers 0 --mode schedule --nodes 5 --mutant Z10 --without G1,G5 --no-minority-trials\n',
    );
  });

  it('a guided run is replayed as the campaign up to it, its shard included', async () => {
    const options = parseFuzzOptions(['--mode', 'guided', '--seed', '40', '--shard', '2/3']);
    const crash = guidedCrashAt17('Error: boom', 'Error: boom\n    at somewhere', false);
    const { stderr } = await capturingStderr(() => reportCrash(crash, options));
    expect(stderr.split('\n')[0]).to.equal(
      `the simulator threw on seed ${2 ** 32 + 44} (main thread, not re-run): Error: boom`,
    );
    expect(stderr).to.include(
      'replay: npx raftsim fuzz --runs 18 --seed 40 --shard 2/3 --workers 0 --mode guided\n',
    );
  });
});

describe('campaign: crashes in the --json summary', () => {
  it('lists each crash with its replay, and a guided one with its place and configuration', () => {
    const options = parseFuzzOptions(['--mode', 'guided', '--seed', '40', '--json']);
    const crash = guidedCrashAt17(
      'Error: worker exited with code: 71',
      'Error: worker exited with code: 71',
      true,
    );
    const config = crash.guided?.config;
    const result = {
      runs: 18,
      failure: null,
      crashes: [crash],
      unknownRuns: [],
      interrupted: false,
      tally: new CoverageTally(),
      corpus: 3,
      seeded: { kept: 0, of: 0 },
      saved: null,
    };
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => printed.push(String(chunk)) > 0;
    try {
      finish({ ...options, coverage: false }, { result, seconds: 1, unknownRepros: [] }, null);
    } finally {
      process.stdout.write = write;
    }
    const summary = JSON.parse(printed.join('')) as Record<string, unknown>;
    expect(summary['failures']).to.equal(1); // a crash with no outcome ended the campaign
    expect(summary['crashes']).to.deep.equal([
      {
        seed: 2 ** 32 + 44,
        cause: 'Error: worker exited with code: 71',
        reran: true,
        rerunVerdict: null,
        error: 'Error: worker exited with code: 71',
        runIndex: 17,
        config,
        replay: 'npx raftsim fuzz --runs 18 --seed 40 --shard 1/1 --workers 0 --mode guided',
      },
    ]);
  });
});

describe('campaign: a run that never returns on the main thread', () => {
  it('ends the process after the hang bound, naming the seed, instead of hanging', () => {
    const watchdog = new URL('./main-thread-watchdog.js', import.meta.url).href;
    const script = `
      import { MainThreadWatchdog } from ${JSON.stringify(watchdog)};
      const watchdog = await MainThreadWatchdog.open(300);
      watchdog.start(6);
      watchdog.done(); // a run that returned: its bound no longer applies
      watchdog.start(7);
      for (let turns = 0; ; turns++) if (turns < 0) break; // seed 7 never returns
    `;
    // Run as a file, the way the command line runs (under `node -e` the watchdog was seen not to
    // fire while the script's loop held the main thread).
    const file = join(mkdtempSync(join(tmpdir(), 'raftsim-watchdog-')), 'hang.mjs');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
    expect(child.signal).to.equal('SIGKILL');
    expect(child.stderr).to.match(
      /^raftsim: seed 7 has run for 0\.3 s on the main thread without returning, a hang/,
    );
  });
});
