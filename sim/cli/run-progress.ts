import type { RunProgress } from '../run/kv-run.js';
import { formatMicros, type Micros } from '../time.js';

/**
 * The progress line of a single run (`run`, `replay`) on a terminal. Most runs end within a
 * second and print nothing; a heavy one (a hand-written repro with a hundred clerks, minutes of
 * virtual time) can take minutes, and without a line it would look hung.
 */

/** Wall time before the first line (a quick run prints none), and between two lines. */
const QUIET_MS = 1000;
const EVERY_MS = 250;
/** A history this long may take seconds to check: its line shows even after a quick run. */
const LONG_HISTORY = 5000;

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

export interface RunProgressLine {
  /** Pass to runKv; undefined when there is no terminal to show it on. */
  readonly onProgress: ((progress: RunProgress) => void) | undefined;
  /** Clears the line, if one was written. */
  done(): void;
}

/** What the line says: where the run stands in virtual time, or that it checks the history. */
export function progressText(label: string, safetyMicros: Micros, p: RunProgress, ms: number) {
  const wall = `${(ms / 1000).toFixed(1)} s`;
  const events = `${(p.events / 1e6).toFixed(1)} M events`;
  if (p.checkingCalls !== null)
    return `${label}: checking ${p.checkingCalls} calls for linearizability, ${events}, ${wall}`;
  const where =
    p.virtualMicros <= safetyMicros
      ? `${formatMicros(p.virtualMicros)} of ${formatMicros(safetyMicros)} under faults`
      : `recovering at ${formatMicros(p.virtualMicros)} (faults ended at ${formatMicros(safetyMicros)})`;
  return `${label}: ${where}, ${events}, ${wall}`;
}

export function runProgressLine(
  label: string,
  safetyMicros: Micros,
  quiet: boolean,
  stream: ProgressStream = process.stderr,
  clock: () => number = () => performance.now(),
): RunProgressLine {
  if (quiet || stream.isTTY !== true) return { onProgress: undefined, done: () => undefined };
  const started = clock();
  let nextAt = started + QUIET_MS;
  let shown = false;
  const onProgress = (progress: RunProgress): void => {
    const now = clock();
    // The history check is one long step, with no report inside it: say so before it starts if
    // a line is already up, or if the history is long enough to take a while.
    const calls = progress.checkingCalls;
    const checking = calls !== null && (shown || calls >= LONG_HISTORY);
    if (now < nextAt && !checking) return;
    nextAt = now + EVERY_MS;
    shown = true;
    stream.write(`\r${progressText(label, safetyMicros, progress, now - started)}\x1b[K`);
  };
  return {
    onProgress,
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}
