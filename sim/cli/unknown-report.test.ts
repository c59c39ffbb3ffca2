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
import { reportUnknown } from './failure-report.js';

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
