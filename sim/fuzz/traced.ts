import { runKv, type KvRunResult, type RunProgress } from '../run/kv-run.js';
import { formatTraceRecord, type TraceRecord } from '../trace.js';
import { kvRunConfig, type FuzzConfig } from './config.js';

/** A replayed run with everything recorded: the result, and every trace record. */
export interface TracedRun {
  readonly result: KvRunResult;
  readonly records: readonly TraceRecord[];
}

/**
 * Runs a repro's configuration. `keepRecords: false` keeps none (records is empty): a long run
 * then costs no memory for its trace, and its verdict and trace hash are the same.
 */
export function runTraced(
  repro: { readonly seed: number; readonly config: FuzzConfig },
  keepRecords = true,
  onProgress?: (progress: RunProgress) => void,
): TracedRun {
  const records: TraceRecord[] = [];
  const config = {
    ...kvRunConfig(repro.seed, repro.config),
    ...(onProgress === undefined ? {} : { onProgress }),
  };
  const result = runKv(keepRecords ? { ...config, onTrace: (r) => records.push(r) } : config);
  return { result, records };
}

/** Trace records written per chunk: big enough to write fast, small enough to stay cheap. */
const LINES_PER_CHUNK = 4096;

/**
 * A trace as NDJSON, one line per record, in chunks: a long trace is written piece by piece,
 * never built as one string (which has a length limit, and would double the memory).
 */
export function* traceLines(records: readonly TraceRecord[]): Generator<string> {
  for (let from = 0; from < records.length; from += LINES_PER_CHUNK) {
    let chunk = '';
    for (const r of records.slice(from, from + LINES_PER_CHUNK))
      chunk += `${JSON.stringify({ ...r, text: formatTraceRecord(r) })}\n`;
    yield chunk;
  }
}
