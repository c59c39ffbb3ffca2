import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { corpusDir } from '../check/corpus-path.js';
import { checkParsed, parseHistoryFile, type ParsedHistory } from '../check/index.js';
import { medianSample, runChild, spreadBy } from './measure.js';
import { BenchFailure, fmt, fmtSpread, repeat, type BenchSuite } from './suite.js';

/** Porcupine v1.3.0, one thread, on the corpus (expected.tsv): the figures to beat. */
const PORCUPINE = { etcd: 0.579, kv: 0.25 };

export type CorpusFamily = 'etcd' | 'kv';
export const CORPUS_FAMILIES: readonly CorpusFamily[] = ['etcd', 'kv'];

export interface CorpusFile {
  readonly path: string;
  readonly family: CorpusFamily;
  readonly expected: 'ok' | 'illegal';
  readonly history: ParsedHistory;
}

/** One pass of the checker over some files: check time only, in seconds, per family. */
export interface CorpusTiming {
  readonly etcd: number;
  readonly kv: number;
  readonly slowestFile: string;
  readonly slowestSeconds: number;
  /** Files whose verdict differs from expected.tsv's: "path: verdict". */
  readonly wrong: readonly string[];
}

/**
 * The Porcupine corpus's files with a known verdict (`expected.tsv`), parsed, in its order;
 * only `family`'s when given.
 */
export function loadCorpus(root: string, family?: CorpusFamily): CorpusFile[] {
  const rows = readFileSync(join(root, 'expected.tsv'), 'utf8').trim().split('\n').slice(1);
  const files: CorpusFile[] = [];
  for (const row of rows) {
    const [path = '', name = '', , , , , , , expected = ''] = row.split('\t');
    if (expected === 'none') continue;
    const fileFamily: CorpusFamily = name.startsWith('etcd') ? 'etcd' : 'kv';
    if (family !== undefined && fileFamily !== family) continue;
    const history = parseHistoryFile(readFileSync(join(root, path), 'utf8'));
    files.push({
      path,
      family: fileFamily,
      expected: expected === 'Ok' ? 'ok' : 'illegal',
      history,
    });
  }
  return files;
}

/** Checks each file once, timing the check call alone (parsing was done before). */
export function timeCorpus(files: readonly CorpusFile[]): CorpusTiming {
  const seconds = { etcd: 0, kv: 0 };
  let slowest = { path: '', seconds: 0 };
  const wrong: string[] = [];
  for (const file of files) {
    const started = performance.now();
    const { verdict } = checkParsed(file.history);
    const elapsed = (performance.now() - started) / 1000;
    if (verdict !== file.expected) wrong.push(`${file.path}: ${verdict}`);
    seconds[file.family] += elapsed;
    if (elapsed > slowest.seconds) slowest = { path: file.path, seconds: elapsed };
  }
  return { ...seconds, slowestFile: slowest.path, slowestSeconds: slowest.seconds, wrong };
}

const COLD_CHILD = fileURLToPath(new URL('./checker-cold.js', import.meta.url));

/** One family checked in a fresh Node process: its first and only pass, JIT cold. */
async function coldPass(family: CorpusFamily): Promise<CorpusTiming> {
  const child = await runChild(COLD_CHILD, [corpusDir('porcupine'), family]);
  if (child.status !== 0) {
    // The child died checking the corpus: a failure of the checker, like a wrong verdict.
    const how = child.signal === null ? `exited ${child.status}` : `was killed by ${child.signal}`;
    throw new BenchFailure(`checker cold pass (${family}) ${how}: ${child.stderr.trim()}`);
  }
  return JSON.parse(child.stdout) as CorpusTiming;
}

/** A cold pass over both families, each in its own process: one sample of the cold figures. */
async function coldSample(): Promise<CorpusTiming> {
  // One after the other: two at once would time each against the other.
  const passes: CorpusTiming[] = [];
  for (const family of CORPUS_FAMILIES) passes.push(await coldPass(family));
  const [etcd, kv] = passes as [CorpusTiming, CorpusTiming];
  const slowest = etcd.slowestSeconds >= kv.slowestSeconds ? etcd : kv;
  return {
    etcd: etcd.etcd,
    kv: kv.kv,
    slowestFile: slowest.slowestFile,
    slowestSeconds: slowest.slowestSeconds,
    wrong: [...etcd.wrong, ...kv.wrong],
  };
}

function figures(prefix: string, samples: readonly CorpusTiming[]) {
  const wrong = samples.flatMap((s) => s.wrong);
  if (wrong.length > 0) throw new BenchFailure(`checker: wrong verdicts: ${wrong.join(', ')}`);
  return {
    [`${prefix}EtcdSeconds`]: spreadBy(samples, (s) => s.etcd),
    [`${prefix}KvSeconds`]: spreadBy(samples, (s) => s.kv),
    [`${prefix}SlowestSeconds`]: spreadBy(samples, (s) => s.slowestSeconds),
    [`${prefix}SlowestFile`]: medianSample(samples, (s) => s.slowestSeconds).slowestFile,
  };
}

/**
 * The checker on the Porcupine corpus (`testdata/corpus/porcupine/`), check time only: cold,
 * each family in a fresh process (what `raftsim check` on one file pays), and steady, in this
 * process after one warm pass over every file (what a long campaign pays).
 */
export const checkerSuite: BenchSuite = {
  name: 'checker',
  about: 'the checker on the Porcupine corpus, cold (fresh process) and steady: seconds',
  async run({ repetitions, log }) {
    const cold = await repeat(repetitions, coldSample);
    const files = loadCorpus(corpusDir('porcupine'));
    timeCorpus(files); // the warm pass
    const steady = await repeat(repetitions, () => timeCorpus(files));
    const result = { ...figures('checkerCold', cold), ...figures('checkerSteady', steady) };
    const counts = CORPUS_FAMILIES.map((f) => files.filter((file) => file.family === f).length);
    for (const [name, samples] of [
      ['cold  ', cold],
      ['steady', steady],
    ] as const) {
      log(
        `checker ${name}: ${counts[0]} etcd files ${fmtSpread(
          spreadBy(samples, (s) => s.etcd),
          3,
        )} s ` +
          `(Porcupine ${PORCUPINE.etcd} s), ${counts[1]} kv files ${fmtSpread(
            spreadBy(samples, (s) => s.kv),
            3,
          )} s ` +
          `(Porcupine ${PORCUPINE.kv} s)`,
      );
      const slowest = medianSample(samples, (s) => s.slowestSeconds);
      log(`  slowest file: ${slowest.slowestFile} ${fmt(slowest.slowestSeconds * 1000, 1)} ms`);
    }
    return result;
  },
};
