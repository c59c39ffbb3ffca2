import type { FuzzConfig } from './config.js';
import type { RunSummary } from './summary.js';

/** A failing configuration and how it failed. */
export interface Failing {
  readonly config: FuzzConfig;
  readonly summary: RunSummary;
}

/** Runs a candidate; says how it failed (the failure kind) or null if it passed. */
export type Judge = (config: FuzzConfig) => { kind: string | null; summary: RunSummary };

export interface TrimLimits {
  /** Runs at most. */
  readonly budget: number;
  /** Stops the pass early (a wall-clock bound), keeping the best so far. */
  readonly stop?: () => boolean;
  /** Told after each run: runs so far, steps in the best schedule so far. */
  readonly onAttempt?: (runs: number, steps: number) => void;
}

/**
 * The second half of shrinking, after fast-check's: the schedule as plain data, trimmed one step
 * at a time. fast-check shrinks what its generators can reach, and a swarm schedule drawn from
 * a shrunk vector is a fresh draw, so it can stop with steps that play no part left in place.
 * Steps after a safety violation go first (the run is the same up to it, and it ends there);
 * then each step, latest first, is dropped if the run still fails the same way. Every candidate
 * is a full run, at most `budget` of them, so the pass is bounded and deterministic.
 */
export function trimSchedule(
  start: Failing,
  kind: string,
  judge: Judge,
  limits: TrimLimits,
): Failing {
  let best = start;
  let runs = 0;
  const budget = limits.budget;
  const attempt = (schedule: FuzzConfig['schedule']): boolean => {
    if (runs >= budget || limits.stop?.() === true) return false;
    runs++;
    const config = { ...best.config, schedule };
    const outcome = judge(config);
    limits.onAttempt?.(runs, best.config.schedule.length);
    if (outcome.kind !== kind) return false;
    best = { config, summary: outcome.summary };
    return true;
  };
  const violation = best.summary.violation;
  if (violation !== null) {
    const before = best.config.schedule.filter((step) => step.at <= violation.t);
    if (before.length < best.config.schedule.length) attempt(before);
  }
  for (let dropped = true; dropped && runs < budget;) {
    dropped = false;
    for (let i = best.config.schedule.length - 1; i >= 0 && runs < budget; i--) {
      const schedule = best.config.schedule;
      if (attempt([...schedule.slice(0, i), ...schedule.slice(i + 1)])) dropped = true;
    }
  }
  return best;
}
