import type { Violation } from '../monitors/view.js';
import type { RunVerdict } from '../run/kv-run.js';

/** Whether a verdict is a failure: a safety violation or a liveness failure. */
export function isFailure(verdict: RunVerdict): boolean {
  return verdict === 'violation' || verdict === 'liveness';
}

/** What one run came to, in plain data (it crosses worker threads and lands in repro files). */
export interface RunSummary {
  readonly verdict: RunVerdict;
  readonly violation: Violation | null;
  readonly liveness: string | null;
  readonly traceHash: string;
  readonly events: number;
  /** The most events pending at once (what the pending cap bounds). */
  readonly peakPending?: number;
  readonly virtualMicros: number;
  readonly operations: number;
}
