import { Worker } from 'node:worker_threads';
import type { Repro } from '../fuzz/repro.js';
import type { KvRunResult, RunProgress } from '../run/kv-run.js';
import { awaitPipeReaders } from './named-pipe.js';
import {
  EXIT_INTERRUPTED,
  openOutput,
  removeTemporaries,
  TERMINATING_SIGNALS,
  type OutputTarget,
} from './output.js';
import type { RunJob } from './run-config.js';

/**
 * A run whose trace is written as the run makes it (`run --trace`, `replay --trace/--html`).
 * Kept in memory, a long run's trace outgrew any heap (a 10-minute run of 7 nodes and 100
 * clerks died at 4.4 GB); streamed, it costs a few chunks. The run goes in a worker thread so
 * that this thread stays free for signals while it runs: Ctrl-C, SIGTERM or SIGHUP end the
 * process at once (130, 143, 129) and remove the half-written trace's temporary.
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
  | { kind: 'chunk'; chunk: string }
  | { kind: 'progress'; progress: RunProgress }
  | { kind: 'done'; result: KvRunResult; html: string | null };

/** Trace chunks the worker may send before the main thread has written them. */
export const MAX_CHUNKS_AHEAD = 16;

export async function runStreamed(
  job: StreamedJob,
  trace: OutputTarget | null,
  onProgress?: (progress: RunProgress) => void,
): Promise<StreamedOutcome> {
  await awaitPipeReaders([trace]);
  const output = trace === null ? null : openOutput(trace);
  const stopOnSignal = stopOnSignals();
  try {
    const outcome = await inWorker(
      job,
      trace !== null,
      (chunk) => output?.write(chunk),
      onProgress,
    );
    output?.finish();
    return outcome;
  } catch (error) {
    output?.abandon();
    throw error;
  } finally {
    stopOnSignal.dispose();
  }
}

function inWorker(
  job: StreamedJob,
  trace: boolean,
  write: (chunk: string) => void,
  onProgress?: (progress: RunProgress) => void,
): Promise<StreamedOutcome> {
  const flow = new SharedArrayBuffer(8);
  const written = new Int32Array(flow);
  const worker = new Worker(new URL('./streamed-run-worker.js', import.meta.url), {
    workerData: { job, trace, flow },
  });
  return new Promise<StreamedOutcome>((resolve, reject) => {
    let done: StreamedOutcome | null = null;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'chunk') {
        try {
          write(message.chunk);
        } catch (error) {
          void worker.terminate();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        Atomics.add(written, 1, 1);
        Atomics.notify(written, 1);
      } else if (message.kind === 'progress') onProgress?.(message.progress);
      else done = { result: message.result, html: message.html };
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
  const codes: Record<string, number> = { SIGINT: EXIT_INTERRUPTED };
  for (const [signal, number] of Object.entries(TERMINATING_SIGNALS)) codes[signal] = 128 + number;
  const handler = (signal: NodeJS.Signals) => {
    removeTemporaries();
    process.exit(codes[signal]);
  };
  for (const signal of Object.keys(codes)) process.on(signal, handler);
  return {
    dispose: () => {
      for (const signal of Object.keys(codes)) process.off(signal, handler);
    },
  };
}
