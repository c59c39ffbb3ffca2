import { expect } from 'chai';
import { runSeedConfig } from '../sim/cli/run.js';
import { runKv } from '../sim/run/kv-run.js';
import { readGolden, updatingGolden, writeGolden } from './golden.js';
import { LAB_TESTS, runLabTestTraced } from './lab/lab-test.js';
import './lab/lab3a.test.js';
import './lab/lab3b.test.js';
import './lab/lab3c.test.js';
import './lab/lab3d.test.js';

/**
 * Fixed runs of the correct Raft whose trace hashes pin its behaviour: `raftsim run` seeds (the
 * command's defaults: 5 servers, 3 clerks, 20 s of drawn faults on the unreliable network) and
 * a few lab tests. A change to any of them must be deliberate.
 */
const RUN_SEEDS = [1, 2, 3];
const LAB_CASES = ['TestReElection3A', 'TestFailAgree3B', 'TestFigure83C', 'TestSnapshotInit3D'];
const LAB_SEED = 1;

function runSeedHash(seed: number): string {
  return runKv(runSeedConfig(seed)).traceHash;
}

async function labHash(name: string): Promise<string> {
  const test = LAB_TESTS.find((t) => t.name === name);
  if (test === undefined) throw new Error(`no lab test ${name}`);
  return (await runLabTestTraced(test, LAB_SEED)).traceHash;
}

describe('golden trace hashes of the correct Raft (change only on purpose)', function () {
  this.timeout(120_000);
  if (updatingGolden()) {
    it('rewrites scenarios/golden/raft.json', async () => {
      const values: Record<string, string> = {};
      for (const seed of RUN_SEEDS) values[`run --seed ${seed}`] = runSeedHash(seed);
      for (const name of LAB_CASES) values[`${name} seed ${LAB_SEED}`] = await labHash(name);
      writeGolden('raft', values);
    });
    return;
  }
  const golden = readGolden('raft');
  for (const seed of RUN_SEEDS) {
    it(`raftsim run --seed ${seed} keeps its trace hash`, () => {
      expect(runSeedHash(seed)).to.equal(golden[`run --seed ${seed}`]);
    });
  }
  for (const name of LAB_CASES) {
    it(`${name} (seed ${LAB_SEED}) keeps its trace hash`, async () => {
      expect(await labHash(name)).to.equal(golden[`${name} seed ${LAB_SEED}`]);
    });
  }
});
