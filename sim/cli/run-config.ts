import type { MutantId } from '../../raft/mutants.js';
import type { InvariantId } from '../monitors/view.js';
import { profileByName, unreliable, type NetworkProfile } from '../profiles.js';
import { Streams } from '../random.js';
import type { KvRunConfig } from '../run/kv-run.js';
import { drawFaults } from '../run/random-faults.js';
import { seconds, type Micros } from '../time.js';

/** What `raftsim run` runs, as plain data (it crosses to a worker when the trace is streamed). */
export interface RunJob {
  readonly seed: number;
  readonly servers: number;
  readonly clerks: number;
  readonly safetyMicros: Micros;
  /** A profile name that profileByName knows. */
  readonly profile: string;
  readonly mutant: MutantId | undefined;
  readonly without: InvariantId[] | undefined;
  /** A minority trial before the liveness phase (KvRunConfig.minorityTrial). */
  readonly minorityTrial: boolean;
}

/** What `raftsim run --seed N` runs (the golden hashes of the correct Raft pin some). */
export function runSeedConfig(
  seed: number,
  servers = 5,
  clerks = 3,
  safetyMicros = seconds(20),
  profile: NetworkProfile = unreliable,
): KvRunConfig {
  return {
    seed,
    servers,
    profile,
    faults: drawFaults(new Streams(seed).get('faults'), servers, safetyMicros),
    safetyMicros,
    workload: { clerks },
    maxRaftStateBytes: 4096,
  };
}

/** The whole configuration of a `raftsim run`, flags included. */
export function runCommandConfig(job: RunJob): KvRunConfig {
  const profile = profileByName(job.profile);
  if (profile === undefined) throw new Error(`unknown profile ${job.profile}`);
  return {
    ...runSeedConfig(job.seed, job.servers, job.clerks, job.safetyMicros, profile),
    mutant: job.mutant ?? null,
    minorityTrial: job.minorityTrial,
    ...(job.without === undefined ? {} : { without: job.without }),
  };
}
