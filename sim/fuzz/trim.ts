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
 * A shrink in progress: the smallest failure so far and the runs spent. A candidate counts only
 * if it fails the same way (`kind`); past the budget, or once `stop` says so, none is run.
 */
export class Candidates {
  best: Failing;
  runs = 0;

  constructor(
    start: Failing,
    private readonly kind: string,
    private readonly judge: Judge,
    private readonly limits: TrimLimits,
  ) {
    this.best = start;
  }

  spent(): boolean {
    return this.runs >= this.limits.budget || this.limits.stop?.() === true;
  }

  /** Runs `config` (null: nothing to try); true when it became the smallest failure. */
  attempt(config: FuzzConfig | null): boolean {
    if (config === null || this.spent()) return false;
    this.runs++;
    const outcome = this.judge(config);
    this.limits.onAttempt?.(this.runs, this.best.config.schedule.length);
    if (outcome.kind !== this.kind) return false;
    this.best = { config, summary: outcome.summary };
    return true;
  }
}

/**
 * The schedule as plain data, trimmed one step at a time. fast-check shrinks what its generators
 * can reach, and a swarm schedule drawn from a shrunk vector is a fresh draw, so it can stop with
 * steps that play no part left in place. Steps after a safety violation go first (the run is the
 * same up to it, and it ends there); then each step, latest first, is dropped if the run still
 * fails the same way. Every candidate is a full run, at most `budget` of them, so the pass is
 * bounded and deterministic.
 */
export function trimSchedule(
  start: Failing,
  kind: string,
  judge: Judge,
  limits: TrimLimits,
): Failing {
  const candidates = new Candidates(start, kind, judge, limits);
  trimSteps(candidates);
  return candidates.best;
}

/** The trim on a shrink in progress (reduce.ts runs it between its other passes). */
export function trimSteps(candidates: Candidates): void {
  const withSchedule = (schedule: FuzzConfig['schedule']) => ({
    ...candidates.best.config,
    schedule,
  });
  const violation = candidates.best.summary.violation;
  if (violation !== null) {
    const schedule = candidates.best.config.schedule;
    const before = schedule.filter((step) => step.at <= violation.t);
    if (before.length < schedule.length) candidates.attempt(withSchedule(before));
  }
  for (let dropped = true; dropped && !candidates.spent();) {
    dropped = false;
    for (let i = candidates.best.config.schedule.length - 1; i >= 0; i--) {
      if (candidates.spent()) break;
      const schedule = candidates.best.config.schedule;
      if (candidates.attempt(withSchedule([...schedule.slice(0, i), ...schedule.slice(i + 1)])))
        dropped = true;
    }
  }
}
