import { expect } from 'chai';
import { seconds } from '../time.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCampaign, type CampaignOptions } from './campaign.js';
import { parseFuzzOptions } from './fuzz-options.js';
import { reportCrash } from './fuzz-summary.js';
import { capturingStderr } from '../testing/capture-stderr.js';

const crashingWorker = new URL('../testing/crashing-worker.js', import.meta.url);

function campaign(baseSeed: number, runs: number): CampaignOptions {
  return {
    baseSeed,
    runs,
    timeUp: () => false,
    workers: 1,
    shard: { index: 1, count: 1 },
    seed: { mode: 'schedule', servers: 3, safetyMicros: seconds(1), shrink: false },
    interrupted: () => false,
    workerFile: crashingWorker,
  };
}

describe('campaign: a worker that dies loses no seed', function () {
  this.timeout(120_000);

  it('a worker thread that exits is a crash on its seed, re-run on the main thread', async () => {
    const result = await runCampaign(campaign(1000, 4));
    expect(result.crash?.seed).to.equal(1002);
    expect(result.crash?.cause).to.match(/exit/i);
    expect(result.crash?.rerun?.summary.verdict).to.equal('ok');
    expect(result.crash?.error).to.equal(null);
    expect(result.failure).to.equal(null);
    expect(result.runs).to.equal(3); // seeds 1000 to 1002; 1003 is past the lowest failure
  });

  it('names the seed on stderr before re-running it (a re-run that kills the process keeps it)', async () => {
    const { stderr } = await capturingStderr(() => runCampaign(campaign(1002, 1)));
    expect(stderr).to.match(
      /^raftsim: the simulator crashed on seed 1002 \(.*\); re-running it on the main thread\n$/,
    );
  });

  it('an exception in a worker is a crash too, never an aborted campaign', async () => {
    const result = await runCampaign(campaign(1003, 1));
    expect(result.crash?.seed).to.equal(1003);
    expect(result.crash?.cause).to.contain('injected crash on seed 1003');
    expect(result.crash?.rerun?.seed).to.equal(1003);
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
    const rerun = { seed: 3, config: null, summary: { verdict: 'ok' }, failure: null };
    const { stderr } = await capturingStderr(() =>
      reportCrash({ seed: 3, cause: 'out of memory', rerun, error: null } as never, options),
    );
    expect(stderr).to.include(
      'replay: npx raftsim fuzz --runs 1 --seed 3 --workers 0 --mode schedule --nodes 5 --mutant Z10 --without G1,G5 --no-minority-trials\n',
    );
  });
});
