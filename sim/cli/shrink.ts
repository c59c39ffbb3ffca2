import type { FuzzConfig } from '../fuzz/config.js';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { SeedOptions, SeedOutcome, ShrinkProgress } from '../fuzz/run-seed.js';
import { MAX_TIMER_MILLIS, runTimeoutFor } from './crash.js';

/** Shrinking's default wall-clock bound, besides its budget of runs. */
export const DEFAULT_SHRINK_SECONDS = 60;

export interface ShrinkResult {
  /** The shrunk failure; null if shrinking was interrupted. */
  readonly outcome: SeedOutcome | null;
  /** The wall-clock bound cut shrinking short (the result is the smallest failure so far). */
  readonly stoppedByClock: boolean;
  readonly seconds: number;
  /** Shrinking itself crashed (the failure stays as found, unshrunk): what it threw. */
  readonly error?: string;
}

export interface ShrinkControl {
  readonly limitSeconds: number;
  readonly onProgress?: (progress: ShrinkProgress) => void;
  /** Called with a function that abandons the shrink (Ctrl-C). */
  readonly onStart?: (abandon: () => void) => void;
  /** The worker module (tests swap in one that dies); shrink-worker.js by default. */
  readonly workerFile?: URL;
  /** A hung candidate's allowance past `limitSeconds` (crash.ts); tests shorten it. */
  readonly runTimeoutMillis?: number;
}

type WorkerMessage =
  | ({ type: 'progress' } & ShrinkProgress)
  | { type: 'done'; outcome: SeedOutcome; stoppedByClock: boolean };

/**
 * Re-runs a failing seed with shrinking on, in a worker thread: fast-check reaches the same
 * failure, then shrinks it within the run budget and the wall-clock bound.
 */
export function shrinkSeed(
  seed: number,
  options: SeedOptions,
  control: ShrinkControl,
  config?: FuzzConfig,
): Promise<ShrinkResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const worker = new Worker(control.workerFile ?? new URL('./shrink-worker.js', import.meta.url), {
    workerData: { seed, options, limitSeconds: control.limitSeconds, config },
  });
  return new Promise<ShrinkResult>((resolve, reject) => {
    // The first word wins: an abandon or a result, then the exit that follows it is nothing.
    let settled = false;
    const settle = (result: ShrinkResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    control.onStart?.(() => {
      settle({ outcome: null, stoppedByClock: false, seconds: seconds() });
      void worker.terminate();
    });
    // The shrink looks at its clock between candidates: one that never ends (a loop in the Raft
    // under test) would hold it forever. Past its bound and a hung run's time, it is stopped.
    const allowance = control.runTimeoutMillis ?? runTimeoutFor(options.checkBudget);
    const hung = Math.min(control.limitSeconds * 1000 + allowance, MAX_TIMER_MILLIS);
    const watchdog = setTimeout(() => {
      fail(
        new Error(`hung: no result ${hung / 1000} s after shrinking started, its worker stopped`),
      );
      void worker.terminate();
    }, hung);
    worker.on('exit', () => clearTimeout(watchdog));
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        control.onProgress?.(message);
        return;
      }
      if (message.outcome.failure === null) {
        fail(new Error(`seed ${seed} failed, then passed when re-run: nondeterminism`));
        return;
      }
      settle({
        outcome: message.outcome,
        stoppedByClock: message.stoppedByClock,
        seconds: seconds(),
      });
    });
    worker.on('error', fail);
    // Not abandoned (that settled first), so the worker died: shrinking crashed, not Ctrl-C.
    worker.on('exit', (code) =>
      fail(new Error(`the shrink worker exited with code ${code} before it finished`)),
    );
  });
}
