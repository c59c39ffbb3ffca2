import { expect } from 'chai';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { swarmConfig } from '../fuzz/arbitraries.js';
import { kvRunConfig, type FuzzConfig } from '../fuzz/config.js';
import { parseRepro } from '../fuzz/repro.js';
import { summarize, type SeedOutcome } from '../fuzz/run-seed.js';
import { runKv } from '../run/kv-run.js';
import { keepReport, keepUnknownReport, reportUnknown } from './failure-report.js';
import { unkeptFailureLines } from './fuzz-summary.js';
import { capturingStderr } from '../testing/capture-stderr.js';

describe('a run that ended unknown is kept as a repro', () => {
  it('with its configuration, its verdict and its trace hash, in a report folder', () => {
    const seed = 7;
    const [config] = fc.sample(swarmConfig(), { seed, numRuns: 1 }) as [FuzzConfig];
    // A checker budget of one step makes any history with a write undecided.
    const result = runKv({ ...kvRunConfig(seed, config), checkBudget: 1 });
    const summary = summarize(result);
    expect(summary.verdict).to.equal('unknown');
    const outcome: SeedOutcome = { seed, config, summary, failure: null };
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-unknown-'));
    try {
      const written = reportUnknown(outcome, 'guided', dir);
      expect(written.verdict).to.equal('unknown');
      expect(existsSync(written.path)).to.equal(true);
      const repro = parseRepro(readFileSync(written.path, 'utf8'));
      expect(repro.seed).to.equal(seed);
      expect(repro.mode).to.equal('guided');
      expect(repro.verdict).to.equal('unknown');
      expect(repro.traceHash).to.equal(summary.traceHash);
      expect(repro.config).to.deep.equal(config);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a failure whose report folder cannot take it', () => {
  it('is not lost: the error and its repro, as one line of JSON, go to stderr', async () => {
    const seed = 3;
    const [drawn] = fc.sample(swarmConfig(), { seed, numRuns: 1 }) as [FuzzConfig];
    const config: FuzzConfig = { ...drawn, mutant: 'Z01' };
    const summary = summarize(runKv(kvRunConfig(seed, config)));
    const failure = { config, summary, fastCheck: { seed, path: '', shrinks: 0 }, trimmedSteps: 0 };
    const outcome: SeedOutcome = { seed, config, summary, failure };
    const { result: kept, stderr } = await capturingStderr(() => {
      // A folder under a device: nothing can be made there.
      const kept = keepReport(outcome, 'guided', '/dev/null/reports');
      // An undecided run is kept the same way, and named as what it is.
      const undecided = { ...outcome, summary: { ...summary, verdict: 'unknown' as const } };
      expect(keepUnknownReport(undecided, 'guided', '/dev/null/reports')).to.equal(null);
      return kept;
    });
    expect(kept).to.equal(null);
    const [error, json, undecidedError] = stderr.split('\n');
    expect(error).to.match(/^raftsim: cannot write the report of failing seed 3 in .*; its repro/);
    const repro = parseRepro(json ?? '');
    expect(repro.seed).to.equal(seed);
    expect(repro.config).to.deep.equal(config);
    expect(repro.traceHash).to.equal(summary.traceHash);
    expect(undecidedError).to.match(/^raftsim: cannot write the report of undecided seed 3 in /);
    // The summary on stdout still says what failed, and where the repro went.
    const [failed, where] = unkeptFailureLines(outcome);
    expect(failed).to.match(/^FAILED seed 3: (\w+ violated at event #\d+|liveness: )/);
    expect(where).to.match(/repro is the JSON line on stderr/);
  });
});
