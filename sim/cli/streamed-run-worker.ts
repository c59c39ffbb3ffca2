import { parentPort, workerData } from 'node:worker_threads';
import { runTraced, NdjsonChunks } from '../fuzz/traced.js';
import { writeAll } from '../fuzz/write-all.js';
import { TimelineFold } from '../report/timeline-data.js';
import { renderTimeline } from '../report/timeline.js';
import { runKv, type KvRunResult, type RunProgress } from '../run/kv-run.js';
import { runCommandConfig } from './run-config.js';
import type { StreamedJob, WorkerMessage } from './streamed-run.js';

/**
 * The worker side of a streamed run (streamed-run.ts): runs the job, writing the trace to the
 * descriptor the main thread opened, in chunks, as the run makes it. A write blocks this thread
 * only. A write that fails is reported once, and the main thread stops this worker.
 */
const { job, traceFd } = workerData as { job: StreamedJob; traceFd: number | null };
const port = parentPort;
if (port === null) throw new Error('streamed-run-worker runs in a worker thread only');
const post = (message: WorkerMessage) => port.postMessage(message);

let failed = false;
function write(chunk: string): void {
  if (failed || traceFd === null) return;
  try {
    writeAll(traceFd, chunk);
  } catch (error) {
    // Not thrown: the run would take it for a failure of the Raft under test.
    failed = true;
    post({ kind: 'write-error', code: (error as NodeJS.ErrnoException).code ?? String(error) });
  }
}

const onProgress = (progress: RunProgress) => post({ kind: 'progress', progress });
const ndjson = traceFd === null ? undefined : write;
let result: KvRunResult;
let html: string | null = null;
if (job.kind === 'run') {
  const lines = ndjson === undefined ? null : new NdjsonChunks(ndjson);
  result = runKv({
    ...runCommandConfig(job),
    onProgress,
    ...(lines === null ? {} : { onTrace: (r) => lines.add(r) }),
  });
  lines?.flush();
} else {
  const timeline = job.timeline ? new TimelineFold(job.repro.config.servers) : undefined;
  const sinks = {
    ...(ndjson === undefined ? {} : { ndjson }),
    ...(timeline === undefined ? {} : { timeline }),
  };
  result = runTraced(job.repro, sinks, onProgress);
  if (timeline !== undefined) html = renderTimeline(job.repro, result, timeline);
}
if (!failed) post({ kind: 'done', result, html });
