import type { MutantId } from '../../raft/mutants.js';
import type { BackupPolicy } from '../../raft/options.js';
import type { InvariantId } from '../monitors/view.js';
import type { TimedFault } from '../nemesis.js';
import type { DeliveryRule } from '../network.js';
import { profileByName, type NetworkProfile } from '../profiles.js';
import type { KvRunConfig } from '../run/kv-run.js';
import type { Micros } from '../time.js';
import type { WorkloadOptions } from '../run/workload.js';

/**
 * Everything one fuzz run is, as plain data: what a repro file stores and what replays it.
 * The simulation seed stays outside, fixed for a run, so that shrinking changes the schedule
 * and the cluster but never the luck of the network.
 */
export interface FuzzConfig {
  readonly servers: number;
  readonly profile: string;
  /** The safety phase's faults, sorted by time. */
  readonly schedule: readonly TimedFault[];
  readonly safetyMicros: Micros;
  readonly workload: WorkloadOptions;
  /** The service snapshots past this Raft state size. */
  readonly maxRaftStateBytes: number;
  /**
   * How far each server's applier may run behind its Raft (raft/kv/applier.ts); absent: the
   * service applies inside Raft's step, as in repros written before the lag existed.
   */
  readonly applierLagMicros?: Micros;
  /**
   * Raft options the fuzzer varies: small batches make partial AppendEntries common, and the
   * backup policy decides whether followers hear entries they already hold again.
   */
  readonly raft?: { readonly maxEntriesPerAppend?: number; readonly backup?: BackupPolicy };
  /** A deliberately broken Raft to run instead of the correct one. */
  readonly mutant?: MutantId;
  /** White-box monitors turned off for this run (`--without`); absent: all on. */
  readonly without?: readonly InvariantId[];
  /** In swarm mode, the fault vector the seed drew (printed with it). */
  readonly swarm?: SwarmVector;
  /**
   * When links are checked (sim/network.ts, DeliveryRule). Absent in repros written before
   * rules existed, which keep their meaning: DEFAULT_DELIVERY.
   */
  readonly delivery?: DeliveryRule;
  /**
   * The run has a minority trial before its liveness phase (KvRunConfig.minorityTrial): set on
   * the second run of a seed that takes one (minority-trial.ts).
   */
  readonly minorityTrial?: boolean;
  /**
   * The linearizability checker's budget for this run (`fuzz --check-budget`); absent: the
   * checker's default. Part of the configuration, so that a repro replays to the same verdict.
   */
  readonly checkBudget?: number;
}

/** Swarm testing: which kinds of fault a seed may use at all, and how often faults come. */
export interface SwarmVector {
  readonly kinds: readonly string[];
  readonly meanGapMicros: Micros;
  /** The nodes its faults favour (absent in repros written before focus nodes existed). */
  readonly focus?: readonly number[];
}

export function kvRunConfig(seed: number, config: FuzzConfig): KvRunConfig {
  const profile = profileByName(config.profile) as NetworkProfile;
  return {
    seed,
    servers: config.servers,
    profile,
    faults: config.schedule,
    safetyMicros: config.safetyMicros,
    workload: config.workload,
    maxRaftStateBytes: config.maxRaftStateBytes,
    ...(config.applierLagMicros === undefined ? {} : { applierLagMicros: config.applierLagMicros }),
    mutant: config.mutant ?? null,
    ...(config.without === undefined ? {} : { without: config.without }),
    ...(config.raft === undefined ? {} : { raft: config.raft }),
    ...(config.delivery === undefined ? {} : { delivery: config.delivery }),
    ...(config.minorityTrial === true ? { minorityTrial: true } : {}),
    ...(config.checkBudget === undefined ? {} : { checkBudget: config.checkBudget }),
  };
}
