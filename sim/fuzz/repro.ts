import { BACKUP_POLICIES } from '../../raft/options.js';
import type { Violation } from '../monitors/view.js';
import { describeFault } from '../nemesis.js';
import { profileByName } from '../profiles.js';
import type { RunVerdict } from '../run/kv-run.js';
import type { TimedFault } from '../nemesis.js';
import type { FuzzConfig } from './config.js';
import type { FuzzMode, SeedOutcome } from './run-seed.js';

export const REPRO_FORMAT = 'raftsim-repro';
export const REPRO_VERSION = 1;

/** Everything needed to re-run a failure exactly, and what it gave when it was recorded. */
export interface Repro {
  readonly format: typeof REPRO_FORMAT;
  readonly version: typeof REPRO_VERSION;
  readonly seed: number;
  readonly mode: FuzzMode;
  readonly config: FuzzConfig;
  readonly verdict: RunVerdict;
  readonly violation: Violation | null;
  readonly liveness: string | null;
  readonly traceHash: string;
  /**
   * How fast-check reaches its shrunk case from the seed: `fc.assert(..., { seed, path })`. The
   * trim pass then removed `trimmedSteps` more steps from that case's schedule.
   */
  readonly fastCheck: { readonly seed: number; readonly path: string; readonly shrinks: number };
  readonly trimmedSteps: number;
  /** The schedule before shrinking, for the record. */
  readonly originalSteps: number;
}

export function reproOf(outcome: SeedOutcome, mode: FuzzMode): Repro {
  const failure = outcome.failure;
  if (failure === null) throw new Error(`seed ${outcome.seed} did not fail`);
  return {
    format: REPRO_FORMAT,
    version: REPRO_VERSION,
    seed: outcome.seed,
    mode,
    config: failure.config,
    verdict: failure.summary.verdict,
    violation: failure.summary.violation,
    liveness: failure.summary.liveness,
    traceHash: failure.summary.traceHash,
    fastCheck: failure.fastCheck,
    trimmedSteps: failure.trimmedSteps,
    originalSteps: outcome.config.schedule.length,
  };
}

/** Parses and validates a repro file; throws an Error with a one-line reason. */
export function parseRepro(text: string): Repro {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  const repro = value as Partial<Repro> | null;
  if (repro === null || typeof repro !== 'object') throw new Error('not a JSON object');
  if (repro.format !== REPRO_FORMAT) throw new Error(`"format" must be "${REPRO_FORMAT}"`);
  if (repro.version !== REPRO_VERSION) {
    throw new Error(
      `unknown repro version ${JSON.stringify(repro.version)} (this raftsim reads version ${REPRO_VERSION})`,
    );
  }
  if (typeof repro.seed !== 'number' || !Number.isSafeInteger(repro.seed) || repro.seed < 0) {
    throw new Error('"seed" must be a non-negative integer');
  }
  if (typeof repro.traceHash !== 'string') throw new Error('"traceHash" must be a string');
  checkConfig(repro.config);
  return repro as Repro;
}

function checkConfig(config: FuzzConfig | undefined): void {
  if (config === undefined || typeof config !== 'object') throw new Error('"config" is missing');
  if (![3, 4, 5, 6, 7].includes(config.servers)) throw new Error('"config.servers" must be 3 to 7');
  if (profileByName(config.profile) === undefined)
    throw new Error(`unknown profile "${config.profile}"`);
  if (!Number.isSafeInteger(config.safetyMicros) || config.safetyMicros <= 0) {
    throw new Error('"config.safetyMicros" must be a positive integer');
  }
  if (!Array.isArray(config.schedule)) throw new Error('"config.schedule" must be an array');
  for (const [i, fault] of (config.schedule as readonly TimedFault[]).entries()) {
    if (!Number.isSafeInteger(fault.at) || fault.at < 0)
      throw new Error(`schedule step ${i}: bad "at"`);
    const known =
      typeof fault.step === 'object' &&
      fault.step !== null &&
      typeof describeFault(fault.step) === 'string';
    if (!known) throw new Error(`schedule step ${i}: unknown fault`);
    checkNodes(fault.step, config.servers, i);
    if (
      fault.step.kind === 'partitionLeader' &&
      !(Number.isSafeInteger(fault.step.followers) && fault.step.followers >= 0)
    ) {
      throw new Error(`schedule step ${i}: "followers" must be an integer >= 0`);
    }
    if (fault.step.kind === 'clock' && !(fault.step.ratePerMille > 0)) {
      throw new Error(`schedule step ${i}: a clock rate must be positive`);
    }
  }
  checkRaftOptions(config.raft);
  const w = config.workload;
  if (w === undefined || !(w.clerks >= 1) || !(w.keys >= 1))
    throw new Error('"config.workload" is incomplete');
  const appends = w.appendPerMille;
  if (appends !== undefined && !(Number.isSafeInteger(appends) && appends >= 0 && appends <= 1000))
    throw new Error('"config.workload.appendPerMille" must be an integer from 0 to 1000');
}

/** Only the Raft options the fuzzer varies may appear, with sensible values. */
function checkRaftOptions(raft: FuzzConfig['raft']): void {
  if (raft === undefined) return;
  if (typeof raft !== 'object' || raft === null || Array.isArray(raft)) {
    throw new Error('"config.raft" must be an object');
  }
  const unknown = Object.keys(raft).filter((k) => k !== 'maxEntriesPerAppend' && k !== 'backup');
  if (unknown.length > 0) throw new Error(`"config.raft" has unknown option "${unknown[0]}"`);
  const perAppend = raft.maxEntriesPerAppend;
  if (perAppend !== undefined && !(Number.isSafeInteger(perAppend) && perAppend >= 1)) {
    throw new Error('"config.raft.maxEntriesPerAppend" must be an integer >= 1');
  }
  const backup = raft.backup;
  if (backup !== undefined && !BACKUP_POLICIES.includes(backup)) {
    throw new Error(`"config.raft.backup" must be one of ${BACKUP_POLICIES.join(', ')}`);
  }
}

function checkNodes(
  step: FuzzConfig['schedule'][number]['step'],
  servers: number,
  i: number,
): void {
  const nodes: number[] = [];
  if ('node' in step) nodes.push(step.node);
  if (step.kind === 'cut' || step.kind === 'stall') nodes.push(step.from, step.to);
  if (step.kind === 'partition') nodes.push(...step.groups.flat());
  if (step.kind === 'bridge') nodes.push(...step.left, ...step.right, step.bridge);
  for (const node of nodes) {
    if (!Number.isInteger(node) || node < 0 || node >= servers)
      throw new Error(`schedule step ${i}: no node ${node}`);
  }
}
