import type { Violation } from '../monitors/view.js';
import type { RunVerdict } from '../run/kv-run.js';

/** What one run came to, in plain data (it crosses worker threads and lands in repro files). */
export interface RunSummary {
  readonly verdict: RunVerdict;
  readonly violation: Violation | null;
  readonly liveness: string | null;
  readonly traceHash: string;
  readonly events: number;
  readonly virtualMicros: number;
  readonly operations: number;
}
