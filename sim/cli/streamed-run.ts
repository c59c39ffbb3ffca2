import { Worker } from 'node:worker_threads';
import type { Repro } from '../fuzz/repro.js';
import type { KvRunResult, RunProgress } from '../run/kv-run.js';
import { awaitPipeReaders } from './named-pipe.js';
import { removeTemporaries } from './atomic-file.js';
import { signalExitCode, STOPPING_SIGNALS } from './exit-code.js';
import { failedWrite, openOutput, type OutputTarget } from './output.js';
import type { RunJob } from './run-config.js';

/**
 * A run whose trace is written as the run makes it (`run --trace`, `replay --trace/--html`).
 * Kept in memory, a long run's trace outgrew any heap (a 10-minute run of 7 nodes and 100
 * clerks died at 4.4 GB); streamed, it costs a chunk. The run goes in a worker thread, which
 * writes the trace to the output's descriptor itself, so a slow disk or a stalled reader holds
 * the run back, never this thread: it stays free for signals, and Ctrl-C, SIGTERM or SIGHUP end
 * the process at once (130, 143, 129), removing the half-written trace's temporary.
 */
export type StreamedJob =
  | ({ readonly kind: 'run' } & RunJob)
  | { readonly kind: 'replay'; readonly repro: Repro; readonly timeline: boolean };

export interface StreamedOutcome {
  readonly result: KvRunResult;
  /** The timeline page, when the replay asked for it. */
  readonly html: string | null;
}

export type WorkerMessage =
  | { kind: 'progress'; progress: RunProgress }
  /** A write to the trace failed: its system error code (the worker writes no more). */
  | { kind: 'write-error'; code: string }
  | { kind: 'done'; result: KvRunResult; html: string | null };

export async function runStreamed(
  job: StreamedJob,
  trace: OutputTarget | null,
  onProgress?: (progress: RunProgress) => void,
): Promise<StreamedOutcome> {
  await awaitPipeReaders([trace]);
  const output = trace === null ? null : openOutput(trace);
  const stopOnSignal = stopOnSignals();
  try {
    const outcome = await inWorker(job, output?.fd ?? null, onProgress);
    output?.finish();
    return outcome;
  } catch (error) {
    output?.abandon();
    if (error instanceof WriteError) failedWrite(output?.name ?? '', error.cause);
    throw error;
  } finally {
    stopOnSignal.dispose();
  }
}

/** The worker's write to the trace failed with `cause`, a system error. */
class WriteError extends Error {}

function inWorker(
  job: StreamedJob,
  traceFd: number | null,
  onProgress?: (progress: RunProgress) => void,
): Promise<StreamedOutcome> {
  const worker = new Worker(new URL('./streamed-run-worker.js', import.meta.url), {
    workerData: { job, traceFd },
  });
  return new Promise<StreamedOutcome>((resolve, reject) => {
    let done: StreamedOutcome | null = null;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'progress') onProgress?.(message.progress);
      else if (message.kind === 'write-error') {
        // The run is of no use without its trace: stop it now, not when it would end.
        reject(new WriteError('trace write failed', { cause: { code: message.code } }));
        void worker.terminate();
      } else done = { result: message.result, html: message.html };
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (done !== null) resolve(done);
      else
        reject(new Error(`the run's worker thread exited with code ${code} before the run ended`));
    });
  });
}

/** While the worker runs: a signal removes the temporaries and ends the process. */
function stopOnSignals(): { dispose(): void } {
  const handler = (signal: NodeJS.Signals) => {
    removeTemporaries();
    process.exit(signalExitCode(signal));
  };
  for (const signal of STOPPING_SIGNALS) process.on(signal, handler);
  return {
    dispose: () => {
      for (const signal of STOPPING_SIGNALS) process.off(signal, handler);
    },
  };
}
