import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { signalExitCode, STOPPING_SIGNALS } from '../cli/exit-code.js';
import { BenchFailure } from './suite.js';

export interface Rate {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** A figure measured several times: the median, with the smallest and largest beside it. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly repetitions: number;
}

/** Runs `work` (which returns how many units it did) repeatedly for at least `minSeconds`. */
export function measureRate(work: () => number, minSeconds: number): Rate {
  work(); // warm-up: let the JIT settle before the clock starts
  let count = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    count += work();
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < minSeconds);
  return { count, seconds: elapsed, perSecond: count / elapsed };
}

/** Wall time of one call, in seconds. */
export async function timeOnce(work: () => void | Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

/** The median (of an even count: the mean of the middle two), min and max of some samples. */
export function spreadOf(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spreadOf: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    median,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    repetitions: samples.length,
  };
}

/** The spread of one field over several measurements (each a record of named samples). */
export function spreadBy<T>(samples: readonly T[], field: (sample: T) => number): Spread {
  return spreadOf(samples.map(field));
}

/** The sample whose `field` is the median one (of an even count: the lower middle). */
export function medianSample<T>(samples: readonly T[], field: (sample: T) => number): T {
  const sorted = [...samples].sort((a, b) => field(a) - field(b));
  const sample = sorted[(sorted.length - 1) >> 1];
  if (sample === undefined) throw new Error('medianSample: no samples');
  return sample;
}

/** The process's resident memory now, in MiB. */
export function rssMegabytes(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

/**
 * The process's own peak resident memory, in MiB. Linux's `VmHWM` (/proc/self/status) starts
 * afresh with the program; `maxRSS` (getrusage), the fallback elsewhere, does not: a child
 * process's starts at its parent's RSS when it was spawned, so from a bench process of 200 MB
 * no child could report less.
 */
export function peakRssMegabytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kib !== undefined) return Number(kib) / 1024;
  } catch {
    // not Linux: fall back
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** How a child process ended, and what it printed. */
export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a script in a fresh Node process and waits for it without blocking this one, so that a
 * signal that ends the bench (SIGTERM from a supervisor, SIGHUP) ends the child first: waited on
 * synchronously, the child would run on, orphaned, to the end of its measurement.
 */
export function runChild(script: string, args: readonly string[]): Promise<ChildResult> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      child.kill('SIGKILL');
      process.exit(signalExitCode(signal));
    };
    const child = execFile(
      process.execPath,
      [script, ...args],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
      (_error, stdout, stderr) => {
        for (const signal of STOPPING_SIGNALS) process.off(signal, stop);
        resolve({ status: child.exitCode, signal: child.signalCode, stdout, stderr });
      },
    );
    for (const signal of STOPPING_SIGNALS) process.on(signal, stop);
  });
}

/**
 * Runs a bench script (`file`, beside this one in dist/) in a fresh Node process and parses the
 * one JSON line it prints: a measurement whose RSS must be its own, not the bench's. A script
 * that fails (a BenchFailure in the child) fails the bench with its message.
 */
export async function inChildProcess<T>(file: string, args: readonly string[] = []): Promise<T> {
  const script = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const child = await runChild(script, args);
  if (child.status !== 0)
    throw new BenchFailure(`${file}: ${child.stderr.trim().split('\n').at(-1) || 'failed'}`);
  return JSON.parse(child.stdout) as T;
}
