import { parentPort, workerData } from 'node:worker_threads';
import { runTraced, NdjsonChunks } from '../fuzz/traced.js';
import { TimelineFold } from '../report/timeline-data.js';
import { renderTimeline } from '../report/timeline.js';
import { runKv, type KvRunResult, type RunProgress } from '../run/kv-run.js';
import { runCommandConfig } from './run-config.js';
import { MAX_CHUNKS_AHEAD, type StreamedJob, type WorkerMessage } from './streamed-run.js';

/**
 * The worker side of a streamed run (streamed-run.ts): runs the job, sending the trace in
 * chunks as the run makes it, never more than MAX_CHUNKS_AHEAD ahead of the main thread's
 * writes, so a slow disk or reader holds the run back instead of filling memory.
 */
const { job, trace, flow } = workerData as {
  job: StreamedJob;
  trace: boolean;
  flow: SharedArrayBuffer;
};
const port = parentPort;
if (port === null) throw new Error('streamed-run-worker runs in a worker thread only');
/** [0]: chunks sent (this thread's count), [1]: chunks written (the main thread's). */
const counters = new Int32Array(flow);
const post = (message: WorkerMessage) => port.postMessage(message);

function send(chunk: string): void {
  for (;;) {
    const written = Atomics.load(counters, 1);
    if ((counters[0] as number) - written < MAX_CHUNKS_AHEAD) break;
    Atomics.wait(counters, 1, written, 1000);
  }
  counters[0] = (counters[0] as number) + 1;
  post({ kind: 'chunk', chunk });
}

const onProgress = (progress: RunProgress) => post({ kind: 'progress', progress });
const ndjson = trace ? send : undefined;
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
post({ kind: 'done', result, html });
