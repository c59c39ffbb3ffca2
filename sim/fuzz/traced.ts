import { runKv, type KvRunResult } from '../run/kv-run.js';
import { formatTraceRecord, type TraceRecord } from '../trace.js';
import { kvRunConfig, type FuzzConfig } from './config.js';

/** A replayed run with everything recorded: the result, and every trace record. */
export interface TracedRun {
  readonly result: KvRunResult;
  readonly records: readonly TraceRecord[];
}

export function runTraced(repro: {
  readonly seed: number;
  readonly config: FuzzConfig;
}): TracedRun {
  const records: TraceRecord[] = [];
  const result = runKv({
    ...kvRunConfig(repro.seed, repro.config),
    onTrace: (r) => records.push(r),
  });
  return { result, records };
}

export function traceLines(records: readonly TraceRecord[]): string {
  return records.map((r) => `${JSON.stringify({ ...r, text: formatTraceRecord(r) })}\n`).join('');
}
