import { RaftInvariantError } from '../../raft/assert.js';
import { EventCapError, NodePanicError } from '../assert.js';
import { CorruptStateError, readSavedSummary } from '../../raft/persist.js';
import { DamagedBootError } from '../host.js';
import { decodeCommand, type KvWire } from '../../raft/kv/codec.js';
import { kvProgram, type KvNode } from '../../raft/kv/program.js';
import { isClerkReturn, KvServer, type KvApplied } from '../../raft/kv/server.js';
import type { KvCommand } from '../../raft/kv/types.js';
import { KvTable } from '../../raft/kv/table.js';
import type { BrokenBuild } from '../../raft/mutants.js';
import { resolveOptions, type RaftOptions } from '../../raft/options.js';
import {
  checkHistory,
  kvModel,
  type CheckResult,
  type KvInput,
  type KvOutput,
  type Operation,
} from '../check/index.js';
import type { RaftMonitor } from '../monitors/raft-monitor.js';
import { ViolationError, type InvariantId, type Violation } from '../monitors/view.js';
import type { TimedFault } from '../nemesis.js';
import type { DeliveryRule } from '../network.js';
import type { NetworkProfile } from '../profiles.js';
import type { Micros } from '../time.js';
import type { TraceRecord } from '../trace.js';
import { World } from '../world.js';
import { currentLeader, liveServers, type KvWorld } from './convergence.js';
import { livenessPhase } from './liveness.js';
import { replayChecks } from './kv-reference.js';
import type { RunCoverage } from '../monitors/coverage.js';
import { attachCoverage } from './coverage.js';
import { attachMonitor } from './monitor.js';
import { attachServiceChecks, type ServiceChecks } from './service-checks.js';
import { DEFAULT_WORKLOAD, Workload, type WorkloadOptions } from './workload.js';

export interface KvRunConfig {
  readonly seed: number;
  readonly servers: number;
  readonly profile: NetworkProfile;
  /** The safety phase's faults, at virtual times within safetyMicros. */
  readonly faults: readonly TimedFault[];
  readonly safetyMicros: Micros;
  /** Keep the healed cluster running at least this long after the safety phase. */
  readonly healedMicros?: Micros;
  readonly workload?: Partial<WorkloadOptions>;
  readonly raft?: Partial<RaftOptions>;
  /** The service snapshots past this Raft state size (0: never). */
  readonly maxRaftStateBytes?: number;
  /** How far each server's applier may run behind its Raft (raft/kv/applier.ts); 0: none. */
  readonly applierLagMicros?: Micros;
  /** Linearizability search budget, in steps, all keys together. */
  readonly checkBudget?: number;
  /** A deliberately broken Raft (raft/mutants.ts); absent for the correct one. */
  readonly mutant?: BrokenBuild | null;
  /** Monitors on (the default) or off (for the benchmark's comparison). */
  readonly monitors?: boolean;
  /** White-box monitors turned off (`--without G5,G1`). */
  readonly without?: readonly InvariantId[];
  readonly onTrace?: (record: TraceRecord) => void;
  /** The run's event cap (KV_MAX_EVENTS); past it the run fails as an event storm. */
  readonly maxEvents?: number;
  /** Events pending at once, at most (the scheduler's default); past it: an event storm. */
  readonly maxPending?: number;
  /** Bytes of Raft state saved at most (the scheduler's default); past it: an event storm. */
  readonly maxSavedBytes?: number;
  /** Record coverage (sim/run/coverage.ts) for guided fuzzing; off by default. */
  readonly coverage?: boolean;
  /** When links are checked (DeliveryRule); DEFAULT_DELIVERY when absent. */
  readonly delivery?: DeliveryRule;
  /**
   * Before the liveness phase, the minority trial: the most up-to-date minority of servers kept
   * down while the rest must elect a leader and finish calls (`livenessPhase`, liveness.ts).
   */
  readonly minorityTrial?: boolean;
  /** Told where a long run stands (a progress line); it cannot change the run. */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Events between two progress reports; PROGRESS_EVENTS when absent. */
  readonly progressEvents?: number;
}

/**
 * Where a run stands: its virtual time and events so far, every PROGRESS_EVENTS events; then,
 * once, the number of calls whose history is about to be checked (which can take a while too).
 */
export interface RunProgress {
  readonly virtualMicros: Micros;
  readonly events: number;
  readonly checkingCalls: number | null;
}

/** Events between two progress reports: a few hundredths of a second of a busy run. */
const PROGRESS_EVENTS = 1 << 16;

/**
 * Busy runs of this service execute well under a million events (7 servers, 5 clerks that never
 * think, 10 s of faults and the liveness phase); twenty times that means a storm.
 */
export const KV_MAX_EVENTS = 20_000_000;

export { currentLeader } from './convergence.js';

/** How a liveness message starts when the run hit an event cap (executed, pending or held). */
export const EVENT_STORM = 'event storm';

export type RunVerdict = 'ok' | 'violation' | 'liveness' | 'unknown';

export interface KvRunResult {
  readonly verdict: RunVerdict;
  /** The first safety violation (an online invariant, LIN or DUR), or null. */
  readonly violation: Violation | null;
  /** What the liveness phase missed, or null. */
  readonly liveness: string | null;
  readonly history: readonly Operation<KvInput, KvOutput>[];
  readonly linearizability: CheckResult | null;
  readonly traceHash: string;
  readonly events: number;
  /** The most events ever pending at once (what a storm drives up). */
  readonly peakPending: number;
  readonly virtualMicros: Micros;
  readonly committed: number;
  /** What the run covered, when asked for. */
  readonly coverage?: RunCoverage;
}

/** A run's parts, wired together: the world, its monitor, the workload and what got applied. */
interface KvRig {
  readonly world: KvWorld;
  readonly monitor: RaftMonitor | null;
  /** Coverage for guided fuzzing, when the run asks for it. */
  readonly coverage: ReturnType<typeof attachCoverage> | null;
  readonly workload: Workload;
  /** The applied log by index: the command the first node to apply it had (SMS keeps all equal). */
  readonly appliedLog: KvCommand[];
  readonly raft: RaftOptions;
  readonly maxRaftStateBytes: number;
}

/** How the safety and liveness phases ended, before the history is checked. */
interface PhaseOutcome {
  violation: Violation | null;
  liveness: string | null;
}

/**
 * One run of the key/value service: a safety phase under the fault schedule with clerks
 * working, then a liveness phase (everything healed, a leader within 5 s, every open call and a
 * fresh get per clerk done within 10 s, then every server converged on the leader's state).
 * The monitors watch every event; the history is then checked for lost acknowledged writes and
 * for linearizability.
 */
export function runKv(config: KvRunConfig): KvRunResult {
  const rig = buildRig(config);
  const outcome = runPhases(rig, config);
  return judge(rig, config, outcome);
}

function buildRig(config: KvRunConfig): KvRig {
  const workloadOptions = { ...DEFAULT_WORKLOAD, ...config.workload };
  const servers = config.servers;
  const world: KvWorld = new World<KvWire, KvApplied, KvNode>({
    maxEvents: config.maxEvents ?? KV_MAX_EVENTS,
    ...(config.maxPending === undefined ? {} : { maxPending: config.maxPending }),
    ...(config.maxSavedBytes === undefined ? {} : { maxSavedBytes: config.maxSavedBytes }),
    nodes: servers + workloadOptions.clerks,
    faultDomain: servers, // clerks reach every side of a partition
    ...(config.delivery === undefined ? {} : { delivery: config.delivery }),
    seed: config.seed,
    profile: config.profile,
    program: kvProgram({
      servers,
      maxRaftStateBytes: config.maxRaftStateBytes ?? 0,
      applierLagMicros: config.applierLagMicros ?? 0,
      mutant: config.mutant ?? null,
      ...(config.raft === undefined ? {} : { raft: config.raft }),
    }),
  });
  if (config.onTrace !== undefined) world.trace.subscribe(config.onTrace);
  const onProgress = config.onProgress;
  if (onProgress !== undefined) {
    const scheduler = world.scheduler;
    scheduler.observeProgress(config.progressEvents ?? PROGRESS_EVENTS, () =>
      onProgress({
        virtualMicros: scheduler.now,
        events: scheduler.eventsExecuted,
        checkingCalls: null,
      }),
    );
  }
  const monitor =
    config.monitors === false
      ? null
      : attachMonitor(world, {
          servers,
          view: (node) => (node instanceof KvServer ? node.raft : null),
          applied: (applied) => (isClerkReturn(applied) ? null : applied),
          decodeSaved: readSavedSummary,
          snapshotIndexOf: (snapshot) => KvTable.appliedIndexOf(snapshot),
          without: config.without ?? [],
        });
  const coverage =
    config.coverage === true
      ? attachCoverage(world, servers, (node) => (node instanceof KvServer ? node.raft : null))
      : null;
  const workload = new Workload(
    workloadOptions,
    servers,
    world.scheduler,
    world.streams.get('workload'),
    (node) => world.host(node),
  );
  const appliedLog: KvCommand[] = [];
  const checks =
    monitor === null ? null : attachServiceChecks(world, appliedLog, servers, workload);
  followApplies(world, workload, appliedLog, checks);
  world.leaderResolver = () => currentLeader(world, servers);
  const raft = resolveOptions(config.raft ?? {});
  const maxRaftStateBytes = config.maxRaftStateBytes ?? 0;
  return { world, monitor, coverage, workload, appliedLog, raft, maxRaftStateBytes };
}

/**
 * Clerks' returns go to the workload (after the return check); each index's first applied
 * command goes into the run's applied log (and the answer check's replay).
 */
function followApplies(
  world: KvWorld,
  workload: Workload,
  appliedLog: KvCommand[],
  checks: ServiceChecks | null,
): void {
  world.onApply((node, applied) => {
    if (isClerkReturn(applied)) {
      checks?.returns.returned(node, applied);
      workload.returned(node, applied);
    } else if (applied.commandValid && appliedLog[applied.commandIndex] === undefined) {
      appliedLog[applied.commandIndex] = decodeCommand(applied.command);
      checks?.answers.applied(applied.commandIndex);
    }
  });
}

/** The safety phase under the schedule, then the liveness phase, then the healed settling. */
function runPhases(rig: KvRig, config: KvRunConfig): PhaseOutcome {
  const { world, workload } = rig;
  const outcome: PhaseOutcome = { violation: null, liveness: null };
  try {
    world.scheduleFaults(config.faults);
    world.start();
    workload.start();
    world.scheduler.runUntilTime(config.safetyMicros);
    outcome.liveness = livenessPhase(rig, config.servers, config.minorityTrial === true);
    const settleUntil = config.safetyMicros + (config.healedMicros ?? 0);
    if (outcome.liveness === null && world.scheduler.now < settleUntil)
      world.scheduler.runUntilTime(settleUntil);
  } catch (error) {
    // A run that cannot get through its virtual time within the event caps makes no progress:
    // a livelock or a message storm, which is a liveness failure, not a crash of the tool.
    if (error instanceof EventCapError) outcome.liveness = `${EVENT_STORM}: ${error.message}`;
    else outcome.violation = violationOf(error, world.trace.events, world.scheduler.now);
  }
  return outcome;
}

/** Lost writes first (cheap), then linearizability; then the verdict. */
function judge(rig: KvRig, config: KvRunConfig, outcome: PhaseOutcome): KvRunResult {
  const { world, workload } = rig;
  const end = { t: world.scheduler.now, event: world.trace.events };
  // The servers' tables are judged only at a clean end: a run stopped early may stop inside an
  // input, and a failed run needs no second verdict.
  const judged = outcome.liveness === null ? liveServers(world, config.servers) : [];
  let violation = outcome.violation ?? replayChecks(workload.history, rig.appliedLog, judged, end);
  let linearizability: CheckResult | null = null;
  if (violation === null) {
    const { now, eventsExecuted } = world.scheduler;
    const calls = workload.history.length;
    config.onProgress?.({ virtualMicros: now, events: eventsExecuted, checkingCalls: calls });
    linearizability = checkHistory(
      workload.history,
      kvModel,
      config.checkBudget === undefined ? {} : { budget: config.checkBudget },
    );
    if (linearizability.verdict === 'illegal') {
      violation = {
        invariant: 'LIN',
        ...end,
        nodes: [],
        message: `history not linearizable (key ${linearizability.failure?.partition ?? '?'})`,
      };
    }
  }
  const liveness = outcome.liveness;
  const verdict: RunVerdict =
    violation !== null
      ? 'violation'
      : liveness !== null
        ? 'liveness'
        : linearizability?.verdict === 'unknown'
          ? 'unknown'
          : 'ok';
  return {
    verdict,
    violation,
    liveness,
    history: workload.history,
    linearizability,
    traceHash: world.trace.hash(),
    events: world.scheduler.eventsExecuted,
    peakPending: world.scheduler.peakPending,
    virtualMicros: world.scheduler.now,
    committed: rig.monitor?.committedIndex ?? rig.appliedLog.length - 1,
    ...(rig.coverage === null ? {} : { coverage: rig.coverage.result() }),
  };
}

/**
 * A monitor's violation, a node's own assertion failing (an impossible state it noticed itself)
 * or a node's panic (its code threw, or it sent to no such peer). Anything else is a crash of
 * the simulator and goes on up.
 */
function violationOf(error: unknown, event: number, t: Micros): Violation {
  if (error instanceof ViolationError) return error.violation;
  if (error instanceof DamagedBootError)
    return { invariant: 'DISK', event, t, nodes: [error.node], message: error.message };
  if (error instanceof CorruptStateError) {
    return {
      invariant: 'ASSERT',
      event,
      t,
      nodes: [],
      message: `a node cannot read its own saved state: ${error.message}`,
    };
  }
  if (error instanceof RaftInvariantError)
    return { invariant: 'ASSERT', event, t, nodes: [], message: error.message };
  if (error instanceof NodePanicError)
    return { invariant: 'PANIC', event, t, nodes: [error.node], message: error.message };
  throw error;
}
