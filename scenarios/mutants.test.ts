import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MUTANT_IDS, type MutantId } from '../raft/mutants.js';
import { WHITE_BOX } from '../sim/monitors/view.js';
import { parseRepro } from '../sim/fuzz/repro.js';
import { runConfig } from '../sim/fuzz/run-seed.js';

/**
 * One recorded repro per mutant (made by `raftsim mutants --save-repros scenarios/mutants`):
 * it must still fail with its mutant, with the recorded verdict and trace hash, and pass on the
 * correct Raft.
 */
function reproPath(id: MutantId): string {
  return fileURLToPath(new URL(`../../scenarios/mutants/${id}.repro.json`, import.meta.url));
}

/**
 * Mutants the fuzzer has not caught yet, so there is nothing to record. Kept honest by a test:
 * when one gets caught and its repro is saved, this list must shrink.
 */
export const NOT_YET_CAUGHT: ReadonlySet<MutantId> = new Set<MutantId>([]);

describe('mutant regressions (the bug zoo)', function () {
  this.timeout(60_000);
  for (const id of MUTANT_IDS) {
    if (NOT_YET_CAUGHT.has(id)) {
      it(`${id}: not caught by the fuzzer yet, so no repro is recorded`, () => {
        expect(existsSync(reproPath(id))).to.equal(false);
      });
      continue;
    }
    it(`${id}: its recorded repro still fails with the mutant and passes without it`, () => {
      const repro = parseRepro(readFileSync(reproPath(id), 'utf8'));
      expect(repro.config.mutant).to.equal(id);
      const broken = runConfig(repro.seed, repro.config);
      expect(broken.verdict).to.equal(repro.verdict);
      expect(['violation', 'liveness']).to.include(broken.verdict);
      expect(broken.traceHash).to.equal(repro.traceHash);
      const { mutant, ...correctConfig } = repro.config;
      expect(mutant).to.equal(id);
      const correct = runConfig(repro.seed, correctConfig);
      expect(correct.verdict, correct.violation?.message ?? correct.liveness ?? '').to.equal('ok');
    });
  }
});

/**
 * The two mutants that vouch before saving, caught with G5 (and for Z14 G1) turned off: the
 * recorded runs must still fail, by a black-box check, and pass on the correct Raft.
 */
describe('vouching before saving, with the white-box checks off', function () {
  this.timeout(60_000);
  for (const id of ['Z02', 'Z14'] as const) {
    it(`${id}: its black-box repro fails by ES, LC, CS, SMS, DUR or LIN`, () => {
      const path = fileURLToPath(
        new URL(`../../scenarios/mutants/black-box/${id}.repro.json`, import.meta.url),
      );
      const repro = parseRepro(readFileSync(path, 'utf8'));
      expect(repro.config.mutant).to.equal(id);
      expect(repro.config.without).to.include('G5');
      const broken = runConfig(repro.seed, repro.config);
      expect(broken.verdict).to.equal('violation');
      const invariant = broken.violation?.invariant;
      expect(['ES', 'LC', 'CS', 'SMS', 'DUR', 'LIN']).to.include(invariant);
      expect(WHITE_BOX).not.to.include(invariant);
      expect(broken.traceHash).to.equal(repro.traceHash);
      const { mutant, ...correctConfig } = repro.config;
      expect(mutant).to.equal(id);
      expect(runConfig(repro.seed, correctConfig).verdict).to.equal('ok');
    });
  }
});
