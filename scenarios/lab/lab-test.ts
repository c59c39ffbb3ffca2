import { LabCluster, type LabOptions } from './harness.js';
import { describeSeeds, labSeeds } from './seeds.js';

export interface LabTestCase {
  readonly name: string;
  readonly options: Omit<LabOptions, 'seed'>;
  readonly body: (cfg: LabCluster) => Promise<void>;
}

/** Every lab test declared so far, so the benchmark can run the suite without mocha. */
export const LAB_TESTS: LabTestCase[] = [];

/** Runs one lab test on a fresh cluster with `seed`; returns the handout-style "Passed" line. */
export async function runLabTest(test: LabTestCase, seed: number): Promise<string> {
  const cfg = new LabCluster({ ...test.options, seed });
  await cfg.tasks.drive(async () => {
    cfg.begin();
    await test.body(cfg);
  });
  return cfg.end();
}

export const underMocha = (): boolean => typeof globalThis.it === 'function';

/** A part of the lab (3A…3D): a mocha describe block when mocha runs the file. */
export function labPart(title: string, declare: () => void): void {
  if (underMocha()) describe(title, declare);
  else declare();
}

/** Mocha's limit for one seed of one test (on a loaded machine; virtual time is fast). */
const MILLIS_PER_SEED = 30_000;

/**
 * Declares one lab test, run once per seed (RAFTSIM_SEEDS, default seeds 1-20) on virtual time,
 * as one mocha test that runs every seed and names each failing one. Prints the "Passed" line
 * of the first seed (RAFTSIM_QUIET=1 silences it).
 */
export function labTest(
  name: string,
  options: Omit<LabOptions, 'seed'>,
  body: (cfg: LabCluster) => Promise<void>,
): void {
  const test = { name, options, body };
  LAB_TESTS.push(test);
  if (!underMocha()) return;
  const seeds = labSeeds();
  const plural = seeds.length === 1 ? 'seed' : 'seeds';
  it(`${name} (${plural} ${describeSeeds(seeds)})`, async function () {
    this.timeout(Math.max(60_000, seeds.length * MILLIS_PER_SEED));
    const line = await runSeeds(test, seeds);
    if (process.env['RAFTSIM_QUIET'] !== '1') process.stdout.write(`${line}\n`);
  });
}

/** Runs every seed; fails naming how many failed, which, and the first failure's message. */
async function runSeeds(test: LabTestCase, seeds: readonly number[]): Promise<string> {
  const failed: number[] = [];
  let first: unknown = null;
  let firstLine = '';
  for (const seed of seeds) {
    try {
      const line = await runLabTest(test, seed);
      if (firstLine === '') firstLine = line;
    } catch (error) {
      failed.push(seed);
      first ??= error;
    }
  }
  if (failed.length === 0) {
    return seeds.length === 1 ? firstLine : `${firstLine} (and ${seeds.length - 1} more seeds)`;
  }
  const why = first instanceof Error ? first.message : String(first);
  const seed = failed[0] as number;
  const said = why.includes(`seed ${seed}`) ? why : `seed ${seed}: ${why}`;
  const error = new Error(
    `${test.name} failed on ${failed.length} of ${seeds.length} seeds (${describeSeeds(failed)}); first: ${said}`,
  );
  if (first instanceof Error && first.stack !== undefined)
    error.stack = `${error.message}\n${first.stack}`;
  throw error;
}
