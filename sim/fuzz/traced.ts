import { runKv, type KvRunResult, type RunProgress } from '../run/kv-run.js';
import type { TimelineFold } from '../report/timeline-data.js';
import { formatTraceRecord, type TraceRecord } from '../trace.js';
import { kvRunConfig, type FuzzConfig } from './config.js';

/**
 * Where a replayed run's trace goes as the run makes it: NDJSON chunks to a writer, records to
 * a timeline. Nothing keeps the whole trace, so a run of any length costs no memory for it.
 */
export interface TraceSinks {
  /** Takes the trace as NDJSON, one chunk of lines at a time, in order. */
  readonly ndjson?: (chunk: string) => void;
  readonly timeline?: TimelineFold;
}

/** Runs a repro's configuration, its trace going to `sinks`; same verdict and hash without. */
export function runTraced(
  repro: { readonly seed: number; readonly config: FuzzConfig },
  sinks: TraceSinks = {},
  onProgress?: (progress: RunProgress) => void,
): KvRunResult {
  const config = {
    ...kvRunConfig(repro.seed, repro.config),
    ...(onProgress === undefined ? {} : { onProgress }),
  };
  const consumers: ((record: TraceRecord) => void)[] = [];
  const lines = sinks.ndjson === undefined ? null : new NdjsonChunks(sinks.ndjson);
  if (lines !== null) consumers.push((r) => lines.add(r));
  const timeline = sinks.timeline;
  if (timeline !== undefined) consumers.push((r) => timeline.add(r));
  const onTrace =
    consumers.length === 0
      ? undefined
      : consumers.length === 1
        ? consumers[0]
        : (r: TraceRecord) => consumers.forEach((consume) => consume(r));
  const result = runKv(onTrace === undefined ? config : { ...config, onTrace });
  lines?.flush();
  return result;
}

/** Trace records written per chunk: big enough to write fast, small enough to stay cheap. */
const LINES_PER_CHUNK = 4096;

/** The trace as NDJSON, one line per record, handed on in chunks of LINES_PER_CHUNK lines. */
export class NdjsonChunks {
  private chunk = '';
  private lines = 0;

  constructor(private readonly write: (chunk: string) => void) {}

  add(r: TraceRecord): void {
    this.chunk += `${JSON.stringify({ ...r, text: formatTraceRecord(r) })}\n`;
    if (++this.lines === LINES_PER_CHUNK) this.flush();
  }

  /** Hands on the lines not yet written; the end of a run calls it. */
  flush(): void {
    if (this.lines === 0) return;
    const chunk = this.chunk;
    this.chunk = '';
    this.lines = 0;
    this.write(chunk);
  }
}
