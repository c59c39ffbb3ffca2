import { LabCluster, type LabOptions } from './harness.js';
import { labSeeds } from './seeds.js';

export interface LabTestCase {
  readonly name: string;
  readonly options: Omit<LabOptions, 'seed'>;
  readonly body: (cfg: LabCluster) => Promise<void>;
}

/** Every lab test declared so far, so the benchmark can run the suite without mocha. */
export const LAB_TESTS: LabTestCase[] = [];

/** Runs one lab test on a fresh cluster with `seed`; returns the handout-style "Passed" line. */
export async function runLabTest(test: LabTestCase, seed: number): Promise<string> {
  return (await runLabTestTraced(test, seed)).line;
}

/** runLabTest, also giving the run's trace hash (the golden values pin it). */
export async function runLabTestTraced(
  test: LabTestCase,
  seed: number,
): Promise<{ line: string; traceHash: string }> {
  const cfg = new LabCluster({ ...test.options, seed });
  await cfg.tasks.drive(async () => {
    cfg.begin();
    await test.body(cfg);
  });
  const line = cfg.end();
  return { line, traceHash: cfg.world.trace.hash() };
}

const underMocha = (): boolean => typeof globalThis.it === 'function';

/** A part of the lab (3A…3D): a mocha describe block when mocha runs the file. */
export function labPart(title: string, declare: () => void): void {
  if (underMocha()) describe(title, declare);
  else declare();
}

/**
 * Declares one lab test, run once per seed (RAFTSIM_SEEDS, default one fixed seed), on virtual
 * time; prints the "Passed" line (RAFTSIM_QUIET=1 silences it).
 */
export function labTest(
  name: string,
  options: Omit<LabOptions, 'seed'>,
  body: (cfg: LabCluster) => Promise<void>,
): void {
  const test = { name, options, body };
  LAB_TESTS.push(test);
  if (!underMocha()) return;
  for (const seed of labSeeds()) {
    it(`${name} (seed ${seed})`, async () => {
      const line = await runLabTest(test, seed);
      if (process.env['RAFTSIM_QUIET'] !== '1') process.stdout.write(`${line}\n`);
    });
  }
}
