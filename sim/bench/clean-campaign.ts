import type { CampaignResult } from '../cli/campaign.js';
import { failureKind } from '../fuzz/run-seed.js';
import { BenchFailure } from './suite.js';

/**
 * A campaign's figures count only if it ran every planned seed and nothing went wrong: a failing
 * seed, a crash of the simulator (even one whose re-run held: its time is a crash's), or a
 * campaign cut short stops the bench (exit 1) instead of becoming a rate over what ran.
 * `replay` gives the command that runs a seed again.
 */
export function requireCleanCampaign(
  what: string,
  result: CampaignResult,
  planned: number,
  replay: (seed: number) => string,
): void {
  // Whichever went wrong first, in seed order, is the one to name.
  const failure = result.failure;
  const crash = result.crashes[0];
  if (crash !== undefined && (failure === null || crash.seed < failure.seed)) {
    throw new BenchFailure(
      `${what}: the simulator crashed on seed ${crash.seed} (${crash.cause}); ` +
        `replay it with: ${replay(crash.seed)}`,
    );
  }
  if (failure !== null) {
    const summary = failure.summary;
    const why = summary.violation?.message ?? summary.liveness ?? summary.verdict;
    throw new BenchFailure(
      `${what}: seed ${failure.seed} failed (${failureKind(summary) ?? summary.verdict}: ${why}); ` +
        `replay it with: ${replay(failure.seed)}`,
    );
  }
  if (result.runs !== planned) {
    throw new BenchFailure(`${what}: ${result.runs} of ${planned} seeds ran`);
  }
}
