import { performance } from 'node:perf_hooks';
import { corpusDir } from '../check/corpus-path.js';
import { runCampaign } from '../cli/campaign.js';
import { measureCorpus } from '../cli/check.js';

/** The whole ported Lab 3 suite, one seed per test, in this process: wall seconds. */
export async function labSuiteSeconds(): Promise<{ seconds: number; tests: number }> {
  const { LAB_TESTS, runLabTest } = await import('../../scenarios/lab/lab-test.js');
  for (const part of ['lab3a', 'lab3b', 'lab3c', 'lab3d'])
    await import(`../../scenarios/lab/${part}.test.js`);
  const start = performance.now();
  for (const test of LAB_TESTS) await runLabTest(test, 1);
  return { seconds: (performance.now() - start) / 1000, tests: LAB_TESTS.length };
}

/** Fuzz seeds per second with `workers` threads (0: the main thread) over `runs` seeds. */
export async function fuzzRate(workers: number, runs: number): Promise<number> {
  const start = performance.now();
  await runCampaign({
    baseSeed: 1_000,
    runs,
    timeUp: () => false,
    workers,
    shard: { index: 1, count: 1 },
    seed: { mode: 'swarm', shrink: false },
    interrupted: () => false,
  });
  return runs / ((performance.now() - start) / 1000);
}

/** The checker on the Porcupine corpus (`testdata/corpus/porcupine/`). */
export function checkerCorpus() {
  const m = measureCorpus(corpusDir('porcupine'));
  return {
    etcd: m.checkerEtcdSeconds,
    kv: m.checkerKvSeconds,
    slowestFile: m.slowest.path,
    slowestSeconds: m.slowest.millis / 1000,
    wrong: m.wrong,
  };
}
