import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MUTANT_IDS } from '../raft/mutants.js';
import { parseRepro } from '../sim/fuzz/repro.js';
import { runConfig } from '../sim/fuzz/run-seed.js';

/**
 * One recorded repro per mutant (made by `raftsim mutants --save-repros scenarios/mutants`):
 * it must still fail with its mutant, with the recorded verdict and trace hash, and pass on the
 * correct Raft.
 */
function reproOf(id: string) {
  const path = fileURLToPath(new URL(`../../scenarios/mutants/${id}.repro.json`, import.meta.url));
  return parseRepro(readFileSync(path, 'utf8'));
}

describe('mutant regressions (the bug zoo)', function () {
  this.timeout(60_000);
  for (const id of MUTANT_IDS) {
    it(`${id}: its recorded repro still fails with the mutant and passes without it`, () => {
      const repro = reproOf(id);
      expect(repro.config.mutant).to.equal(id);
      const broken = runConfig(repro.seed, repro.config);
      expect(broken.verdict).to.equal(repro.verdict);
      expect(['violation', 'liveness']).to.include(broken.verdict);
      expect(broken.traceHash).to.equal(repro.traceHash);
      const { mutant, ...correctConfig } = repro.config;
      const correct = runConfig(repro.seed, correctConfig);
      expect(correct.verdict, correct.violation?.message ?? correct.liveness ?? '').to.equal('ok');
    });
  }
});
