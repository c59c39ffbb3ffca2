import fc from 'fast-check';
import type { MutantId } from '../../raft/mutants.js';
import { NO_CONVERGENCE } from '../run/convergence.js';
import { LEFT_WAITING, OVER_BUDGET } from '../run/settled.js';
import { EVENT_STORM, runKv, type KvRunResult } from '../run/kv-run.js';
import { BUSY_WHEN_IDLE } from '../run/idle.js';
import { MINORITY_TRIAL } from '../run/liveness.js';
import type { RunCoverage } from '../monitors/coverage.js';
import { isFailure, type RunSummary } from './summary.js';
import type { InvariantId } from '../monitors/view.js';
import { fuzzConfig, swarmConfig, type ConfigOptions } from './arbitraries.js';
import { kvRunConfig, type FuzzConfig } from './config.js';
import { nonPassingTrial, withMinorityTrial } from './minority-trial.js';
import { reduceConfig } from './reduce.js';
import type { Failing, Judge } from './trim.js';

/** Guided mode (guided.ts) draws its fresh configurations as swarm mode does. */
export type FuzzMode = 'schedule' | 'swarm' | 'guided';
export const FUZZ_MODES: readonly FuzzMode[] = ['schedule', 'swarm', 'guided'];

export interface SeedOptions extends ConfigOptions {
  readonly mode: FuzzMode;
  /** Fuzz a deliberately broken Raft instead of the correct one. */
  readonly mutant?: MutantId;
  /** White-box monitors turned off (recorded in each config, so in repros too). */
  readonly without?: readonly InvariantId[];
  /** The checker's budget per run (recorded in each config, so in repros too). */
  readonly checkBudget?: number;
  /** Shrink a failing run (the default); off to only detect. */
  readonly shrink?: boolean;
  /** Runs tried while shrinking, at most (DEFAULT_SHRINK_BUDGET). */
  readonly shrinkBudget?: number;
  /**
   * Shrinking stops early, keeping the smallest failure so far, once this says so (the CLI's
   * wall-clock bound). Not for campaign tasks: it does not cross threads.
   */
  readonly stopShrinking?: () => boolean;
  /** Told after each shrink candidate: how many were tried, and the smallest schedule so far. */
  readonly onShrinkProgress?: (progress: ShrinkProgress) => void;
  /** Record the first run's coverage (SeedOutcome.coverage). */
  readonly coverage?: boolean;
  /** Minority trials for the seeds that take one (minority-trial.ts): on unless false. */
  readonly minorityTrials?: boolean;
}

export interface ShrinkProgress {
  readonly candidates: number;
  readonly steps: number;
}

export type { RunSummary } from './summary.js';

export interface SeedOutcome {
  readonly seed: number;
  readonly config: FuzzConfig;
  readonly summary: RunSummary;
  /** Present when the run failed: the shrunk counterexample and how fast-check reaches it. */
  readonly failure: Failure | null;
  /** What the run covered, when SeedOptions.coverage asked for it. */
  readonly coverage?: RunCoverage;
}

export interface Failure {
  readonly config: FuzzConfig;
  readonly summary: RunSummary;
  /** How fast-check reaches its shrunk case, before the data pass removed `trimmedSteps`. */
  readonly fastCheck: { readonly seed: number; readonly path: string; readonly shrinks: number };
  readonly trimmedSteps: number;
}

/** Runs tried while shrinking one failure, at most. */
export const DEFAULT_SHRINK_BUDGET = 300;

/**
 * What kind of failure a run is: the invariant it broke, 'event storm' (an event cap),
 * 'no convergence', 'busy when idle', 'liveness' (no leader, calls still open), or null for
 * none. Shrinking keeps the kind, so a storm never shrinks into a slow election.
 */
export function failureKind(summary: RunSummary): string | null {
  if (!isFailure(summary.verdict)) return null;
  if (summary.violation !== null) return summary.violation.invariant;
  const liveness = summary.liveness ?? '';
  if (liveness.startsWith(EVENT_STORM)) return EVENT_STORM;
  if (liveness.startsWith(NO_CONVERGENCE)) return NO_CONVERGENCE;
  if (liveness.startsWith(BUSY_WHEN_IDLE)) return BUSY_WHEN_IDLE;
  if (liveness.startsWith(OVER_BUDGET)) return OVER_BUDGET;
  if (liveness.startsWith(LEFT_WAITING)) return LEFT_WAITING;
  // A trial's failure shrinks into a trial's failure, not into a slow recovery after it.
  if (liveness.startsWith(MINORITY_TRIAL)) return MINORITY_TRIAL;
  return 'liveness';
}

export { isFailure } from './summary.js';

export function summarize(result: KvRunResult): RunSummary {
  return {
    verdict: result.verdict,
    violation: result.violation,
    liveness: result.liveness,
    traceHash: result.traceHash,
    events: result.events,
    peakPending: result.peakPending,
    virtualMicros: result.virtualMicros,
    operations: result.history.length,
  };
}

/** How large a counterexample is: its schedule steps first, then its cluster size. */
function sizeOf(config: FuzzConfig): number {
  return config.schedule.length * 8 + config.servers;
}

/** Runs one configuration with the run's fixed simulation seed. */
export function runConfig(seed: number, config: FuzzConfig): RunSummary {
  return summarize(runKv(kvRunConfig(seed, config)));
}

/** The same, with coverage recorded. */
function runCovered(
  seed: number,
  config: FuzzConfig,
): { summary: RunSummary; coverage: RunCoverage } {
  const result = runKv({ ...kvRunConfig(seed, config), coverage: true });
  return {
    summary: summarize(result),
    coverage: result.coverage ?? { features: [], sometimes: 0 },
  };
}

/**
 * The configurations a campaign draws, with its mutant, the monitors switched off and the
 * checker's budget stamped in.
 */
function seedArbitrary(options: SeedOptions): fc.Arbitrary<FuzzConfig> {
  const generated = options.mode === 'schedule' ? fuzzConfig(options) : swarmConfig(options);
  if (stampsNothing(options)) return generated;
  return generated.map((config) => stampCampaign(config, options));
}

function stampsNothing(options: CampaignStamp): boolean {
  const { mutant, without, checkBudget } = options;
  return mutant === undefined && (without ?? []).length === 0 && checkBudget === undefined;
}

/** What a campaign stamps into every configuration it runs. */
export type CampaignStamp = Pick<SeedOptions, 'mutant' | 'without' | 'checkBudget'>;

/**
 * A configuration as the campaign runs it: its mutant, the monitors it switched off and the
 * checker's budget are part of the configuration (so of every repro), whichever way it was
 * made (drawn or mutated).
 */
export function stampCampaign(config: FuzzConfig, options: CampaignStamp): FuzzConfig {
  if (stampsNothing(options)) return config;
  const { mutant, checkBudget } = options;
  const without = options.without?.length === 0 ? undefined : options.without;
  return {
    ...config,
    ...(mutant === undefined ? {} : { mutant }),
    ...(without === undefined ? {} : { without }),
    ...(checkBudget === undefined ? {} : { checkBudget }),
  };
}

/** The configuration without what stampCampaign put in: as another campaign would stamp it. */
export function unstampCampaign(config: FuzzConfig): FuzzConfig {
  const { mutant: _m, without: _w, checkBudget: _c, ...plain } = config;
  return plain;
}

interface FirstRun {
  readonly config: FuzzConfig;
  readonly summary: RunSummary;
  readonly coverage?: RunCoverage;
}

/**
 * The property fast-check checks on one seed: its first call runs the drawn configuration (with
 * its minority trial), every later call one shrink candidate. It holds where the run passes.
 */
class SeedProperty {
  first: FirstRun | null = null;
  /** Shrink candidates tried so far. */
  candidates = 0;
  /** Summaries of the failing candidates: fast-check's counterexample is one of them. */
  readonly failing = new WeakMap<FuzzConfig, RunSummary>();
  private smallest = Infinity;
  private steps = 0;
  /** Set when the seed's failure is its minority trial's: every candidate runs one too. */
  private trial = false;

  constructor(
    private readonly seed: number,
    private readonly options: SeedOptions,
    /** Candidates fast-check's shrinking may run; the rest of the budget is the data pass's. */
    readonly fastCheckBudget: number,
  ) {}

  holds(config: FuzzConfig): boolean {
    return this.first === null ? this.firstRun(config) : this.candidate(config, this.first);
  }

  /** A configuration as every run of this seed runs it (with the trial, if it failed in one). */
  runAs(config: FuzzConfig): FuzzConfig {
    return this.trial ? withMinorityTrial(config) : config;
  }

  private firstRun(config: FuzzConfig): boolean {
    const { seed, options } = this;
    const own =
      options.coverage === true ? runCovered(seed, config) : { summary: runConfig(seed, config) };
    const run = (c: FuzzConfig) => runConfig(seed, c);
    const inTrial = nonPassingTrial(
      seed,
      config,
      own.summary,
      run,
      options.minorityTrials !== false,
    );
    // Set only once both runs returned: a run that throws is a crash of the simulator (fuzzSeed
    // finds no first run), never a failure with a half-filled outcome.
    this.first = { config, ...own, ...inTrial };
    this.trial = inTrial !== null;
    this.recordFailing(config, this.first.summary);
    return !isFailure(this.first.summary.verdict);
  }

  /**
   * A candidate counts as failing only if it fails the same way, so the shrunk case still shows
   * the original bug, and only if it is no larger than the smallest failure so far (a shrunk
   * swarm vector draws a fresh schedule, which may be longer). Past the budget every candidate
   * counts as passing, which ends the shrinking where it stands (deterministically: the budget
   * counts runs).
   */
  private candidate(config: FuzzConfig, first: FirstRun): boolean {
    if (sizeOf(config) > this.smallest) return true;
    if (++this.candidates > this.fastCheckBudget || this.options.stopShrinking?.() === true)
      return true;
    const summary = runConfig(this.seed, this.runAs(config));
    const same = failureKind(summary) === failureKind(first.summary);
    if (same) this.recordFailing(config, summary);
    this.options.onShrinkProgress?.({ candidates: this.candidates, steps: this.steps });
    return !same;
  }

  private recordFailing(config: FuzzConfig, summary: RunSummary): void {
    this.failing.set(config, summary);
    this.smallest = sizeOf(config);
    this.steps = config.schedule.length;
  }
}

/**
 * One seed of a campaign: fast-check draws the configuration from the seed (so the seed alone
 * reproduces it), the simulation runs under the same seed, and a failure is shrunk by
 * fast-check's structural shrinking, then shrunk as data (reduce.ts: a smaller cluster, steps
 * dropped one at a time, shorter episodes, a plainer world) — every candidate a full,
 * deterministic re-run.
 */
export function fuzzSeed(seed: number, options: SeedOptions): SeedOutcome {
  const budget = options.shrinkBudget ?? DEFAULT_SHRINK_BUDGET;
  // fast-check's shrinking may use all but a quarter (at most 60 runs), kept for the data pass.
  const state = new SeedProperty(seed, options, budget - Math.min(60, Math.floor(budget / 4)));
  const property = fc.property(seedArbitrary(options), (config) => state.holds(config));
  const details = fc.check(property, { seed, numRuns: 1, endOnFailure: options.shrink === false });
  const ran = state.first;
  // The run itself threw (a crash of the simulator, not a verdict): pass its own error on.
  if (ran === null) {
    const error = details.errorInstance;
    throw error instanceof Error ? error : new Error(`fuzz seed ${seed}: ${String(error)}`);
  }
  if (!details.failed || details.counterexample === null) return { seed, ...ran, failure: null };
  const shrunk: FuzzConfig = details.counterexample[0];
  const fromFastCheck = {
    config: state.runAs(shrunk),
    summary: state.failing.get(shrunk) ?? runConfig(seed, state.runAs(shrunk)),
  };
  const trimmed =
    options.shrink === false
      ? fromFastCheck
      : trim(seed, options, fromFastCheck, failureKind(ran.summary) as string, {
          budget: budget - Math.min(state.candidates, state.fastCheckBudget),
          before: state.candidates,
        });
  const fastCheck = {
    seed: details.seed,
    path: details.counterexamplePath ?? '',
    shrinks: details.numShrinks,
  };
  const trimmedSteps = shrunk.schedule.length - trimmed.config.schedule.length;
  const failure = { config: trimmed.config, summary: trimmed.summary, fastCheck, trimmedSteps };
  return { seed, ...ran, failure };
}

/**
 * The data pass (reduce.ts: cluster, steps, episodes, the world) on a failure of `seed`, with the
 * options' stop and progress hooks (progress counted from `before` earlier runs): after
 * fast-check's shrinking here, and all of a guided failure's shrinking (guided.ts).
 */
export function trim(
  seed: number,
  options: Pick<SeedOptions, 'stopShrinking' | 'onShrinkProgress' | 'servers'>,
  start: Failing,
  kind: string,
  runs: { readonly budget: number; readonly before: number },
): Failing {
  const judge: Judge = (config) => {
    const summary = runConfig(seed, config);
    return { kind: failureKind(summary), summary };
  };
  return reduceConfig(
    start,
    kind,
    judge,
    {
      budget: runs.budget,
      stop: options.stopShrinking ?? (() => false),
      onAttempt: (tried, steps) =>
        options.onShrinkProgress?.({ candidates: runs.before + tried, steps }),
    },
    options.servers !== undefined,
  );
}
