import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { corpusDir } from '../check/corpus-path.js';
import {
  checkHistory,
  checkParsed,
  kvAppendModel,
  kvModel,
  parseHistoryFile,
  type CheckResult,
} from '../check/index.js';
import {
  generateKvHistory,
  unreadOpenPutsAppend,
  unreadOpenPutsKv,
  type Corruption,
} from './checker-histories.js';
import { BenchFailure } from './suite.js';
import { peakRssMegabytes } from './measure.js';

/** One timed check: wall and CPU milliseconds (CPU is steadier on a shared machine). */
export interface Timing {
  readonly verdict: string;
  readonly steps: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

export interface CorpusFigure {
  readonly file: string;
  readonly operations: number;
  readonly expected: string;
  readonly verdict: string;
  readonly porcupineMs: number;
  /** The first check of the file in this process, and the best of all rounds. */
  readonly first: Timing;
  readonly best: Timing;
  /** best.wallMs / porcupineMs. */
  readonly ratio: number;
}

export interface GeneratedFigure extends Timing {
  readonly operations: number;
  readonly rssMb: number;
}

export interface CheckerScaling {
  readonly corpus: readonly CorpusFigure[];
  readonly generated: readonly GeneratedFigure[];
  /** Slope of log(CPU time) against log(operations), least squares over the generated sizes. */
  readonly growthExponent: number;
  readonly unreadOpenPuts: readonly (Timing & { readonly history: string })[];
  /** The process's peak resident set, after everything (the largest history last). */
  readonly peakRssMb: number;
}

export interface ScalingOptions {
  readonly sizes: readonly number[];
  /** Checks per corpus file; the best counts. */
  readonly rounds: number;
  readonly log: (line: string) => void;
}

/**
 * The checker at scale (issue 15): the long-history corpus against Porcupine's recorded check
 * times (parse excluded, one process), the unread-open-puts case, and generated raftsim kv
 * histories (appends, unknown outcomes) of growing size, with the growth exponent and peak RSS.
 */
export function checkerScaling(options: ScalingOptions): CheckerScaling {
  const { log } = options;
  const corpus = longCorpus(options.rounds, log);
  // Each family: an honest history, a read of a value never written, a stale read.
  const corruptions: readonly [string, Corruption][] = [
    ['ok', 'none'],
    ['illegal (unwritten read)', 'unwritten'],
    ['illegal (stale read)', 'stale'],
  ];
  const cases = corruptions.map(([verdict, corruption]) => ({
    history: `kv-append ${verdict}`,
    expected: corruption === 'none' ? 'ok' : 'illegal',
    ops: unreadOpenPutsAppend(corruption),
    model: kvAppendModel,
  }));
  const kvCases = corruptions.map(([verdict, corruption]) => ({
    history: `kv ${verdict}`,
    expected: corruption === 'none' ? 'ok' : 'illegal',
    ops: unreadOpenPutsKv(corruption),
  }));
  const timedCase = (history: string, expected: string, check: () => CheckResult) => {
    const timing = timed(check);
    // Every case's verdict is known by construction: a wrong or undecided one is no figure.
    requireVerdict(history, timing.verdict, expected);
    return { history, ...timing };
  };
  const unreadOpenPuts = [
    ...cases.map((c) => timedCase(c.history, c.expected, () => checkHistory(c.ops, c.model))),
    ...kvCases.map((c) => timedCase(c.history, c.expected, () => checkHistory(c.ops, kvModel))),
  ];
  for (const u of unreadOpenPuts) log(`1,000 unread open puts, ${u.history}: ${describe(u)}`);
  const generated = options.sizes.map((operations) => {
    const history = generateKvHistory(operations, 1);
    const timing = timed(() => checkHistory(history, kvModel));
    // Generated as a linearizable history (checker-histories.ts): ok by construction.
    requireVerdict(`generated kv, ${operations} operations`, timing.verdict, 'ok');
    const rssMb = process.memoryUsage().rss / 2 ** 20;
    log(`generated kv, ${operations} operations: ${describe(timing)}, RSS ${rssMb.toFixed(0)} MB`);
    return { operations, ...timing, rssMb };
  });
  const growthExponent = slope(generated.map((g) => [Math.log(g.operations), Math.log(g.cpuMs)]));
  const peakRssMb = peakRssMegabytes();
  log(`growth exponent (CPU time against operations): ${growthExponent.toFixed(2)}`);
  log(`peak RSS: ${peakRssMb.toFixed(0)} MB`);
  return { corpus, generated, growthExponent, unreadOpenPuts, peakRssMb };
}

/** A timed check must give the verdict its history has by construction: else no figure. */
function requireVerdict(what: string, verdict: string, expected: string): void {
  if (verdict !== expected)
    throw new BenchFailure(`${what}: verdict ${verdict}, expected ${expected}`);
}

/**
 * Each file's check time, the best of `rounds` interleaved rounds (every file once per round,
 * as Porcupine's figures were taken), parse excluded.
 */
function longCorpus(rounds: number, log: (line: string) => void): CorpusFigure[] {
  const root = corpusDir('long');
  const rows = readFileSync(join(root, 'expected.tsv'), 'utf8').trim().split('\n').slice(1);
  const files = rows.map((row) => {
    const [file = '', operations = '', , expected = '', porcupine = ''] = row.split('\t');
    const history = parseHistoryFile(gunzipSync(readFileSync(join(root, file))).toString('utf8'));
    return { file, operations, expected, porcupine, history, timings: [] as Timing[] };
  });
  for (let round = 0; round < Math.max(1, rounds); round++) {
    for (const entry of files) entry.timings.push(timed(() => checkParsed(entry.history)));
  }
  return files.map(({ file, operations, expected, porcupine, timings }) => {
    const first = timings[0] as Timing;
    // A wrong verdict is no figure: a fast wrong answer would be timed as a fast right one.
    const wrong = timings.find((t) => t.verdict !== expected.toLowerCase());
    if (wrong !== undefined)
      throw new BenchFailure(`${file}: verdict ${wrong.verdict}, Porcupine's is ${expected}`);
    const best = timings.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    const porcupineMs = Number(porcupine);
    const figure = {
      file,
      operations: Number(operations),
      expected,
      verdict: first.verdict,
      porcupineMs,
      first,
      best,
      ratio: best.wallMs / porcupineMs,
    };
    log(
      `${file}: ${describe(best)} (first ${first.wallMs.toFixed(1)} ms); Porcupine ${expected} ` +
        `${porcupineMs} ms; ratio ${figure.ratio.toFixed(2)} wall, ` +
        `${(best.cpuMs / porcupineMs).toFixed(2)} CPU`,
    );
    return figure;
  });
}

function timed(check: () => CheckResult): Timing {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = check();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    verdict: result.verdict,
    steps: result.steps,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
  };
}

function describe(t: Timing): string {
  return `${t.verdict} in ${t.wallMs.toFixed(1)} ms wall, ${t.cpuMs.toFixed(1)} ms CPU, ${t.steps} steps`;
}

/** Least-squares slope of y against x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}
