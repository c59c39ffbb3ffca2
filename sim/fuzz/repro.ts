import type { FuzzConfig } from './config.js';
import { REPRO_FORMAT, REPRO_VERSION, parseReproText, type Repro } from './repro-schema.js';
import type { FuzzMode, SeedOutcome } from './run-seed.js';

export { REPRO_FORMAT, REPRO_VERSION, type Repro } from './repro-schema.js';

/**
 * A repro's `fastCheck` says how fast-check reaches its shrunk case from the seed:
 * `fc.assert(..., { seed, path })`; the data pass (reduce.ts) then removed `trimmedSteps` more steps from
 * that case's schedule. `originalSteps` is the schedule before shrinking, for the record.
 */
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

/** Parses and checks a repro file; throws a FormatError with a one-line reason. */
export function parseRepro(text: string): Repro {
  return parseReproText(text);
}

// A repro's configuration is a FuzzConfig: the file format and the fuzzer's type agree.
const agrees: (config: Repro['config']) => FuzzConfig = (config) => config;
void agrees;
