import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FuzzConfig } from '../sim/fuzz/config.js';
import { runConfig } from '../sim/fuzz/run-seed.js';

/**
 * Runs the fuzzer once failed on the correct Raft, kept as they were found: each must now end
 * well. A file holds the run seed, the configuration and why it is here.
 */
const dir = fileURLToPath(new URL('../../scenarios/regressions/', import.meta.url));

interface Regression {
  readonly why: string;
  readonly seed: number;
  readonly config: FuzzConfig;
}

describe('regressions: runs that once failed on the correct Raft', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('the folder holds regressions', () => {
    expect(files.length).to.be.greaterThan(0);
  });

  for (const file of files) {
    it(file.replace(/\.json$/, ''), function () {
      this.timeout(60_000);
      const regression = JSON.parse(readFileSync(dir + file, 'utf8')) as Regression;
      const summary = runConfig(regression.seed, regression.config);
      expect(summary.verdict, `${regression.why}\n${JSON.stringify(summary)}`).to.equal('ok');
      expect(summary.events).to.be.below(2_000_000);
    });
  }
});
