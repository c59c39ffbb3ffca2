import { streamSeed } from '../random.js';
import type { FuzzConfig } from './config.js';
import type { RunSummary } from './summary.js';

/**
 * The minority trial as a campaign runs it. A seed's run heals every fault and brings every
 * server back before it asks for progress, which a Raft that needs more than a bare majority
 * passes. So one seed in MINORITY_TRIAL_SHARE, chosen by a hash of its seed (never by its place
 * in a shard), whose run passed, runs its configuration a second time with the trial on
 * (KvRunConfig.minorityTrial): the same safety phase, then the most up-to-date minority of
 * servers kept down while the others must elect a leader and finish the calls. A failing trial
 * is the seed's failure, and its configuration (with `minorityTrial`) is the repro; a trial the
 * checker could not decide makes the seed `unknown`, kept the same way. The first
 * run is never changed, so a seed that failed without trials fails the same way with them.
 */
export const MINORITY_TRIAL_SHARE = 4;

export function takesMinorityTrial(seed: number): boolean {
  return streamSeed(seed, 'minority-trial') % MINORITY_TRIAL_SHARE === 0;
}

export function withMinorityTrial(config: FuzzConfig): FuzzConfig {
  return { ...config, minorityTrial: true };
}

/** The configuration without its trial: what a guided corpus keeps and mutates. */
export function withoutMinorityTrial(config: FuzzConfig): FuzzConfig {
  if (config.minorityTrial !== true) return config;
  const { minorityTrial: _trial, ...rest } = config;
  return rest;
}

/**
 * After the seed's own run (`first`), its trial, when trials are `enabled`, the seed takes one
 * and the run passed: the trial's configuration and summary if the trial did not pass (it
 * failed, or the checker could not decide it: an undecided trial makes the seed `unknown`,
 * never `ok`), else null.
 */
export function nonPassingTrial(
  seed: number,
  config: FuzzConfig,
  first: RunSummary,
  run: (config: FuzzConfig) => RunSummary,
  enabled: boolean,
): { readonly config: FuzzConfig; readonly summary: RunSummary } | null {
  // Only after a pass: an unknown run (the checker out of budget) stays unknown, and is kept.
  if (!enabled || first.verdict !== 'ok' || config.minorityTrial === true) return null;
  if (!takesMinorityTrial(seed)) return null;
  const trial = withMinorityTrial(config);
  const summary = run(trial);
  return summary.verdict === 'ok' ? null : { config: trial, summary };
}
