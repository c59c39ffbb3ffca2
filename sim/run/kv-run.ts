import { RaftInvariantError } from '../../raft/assert.js';
import { EventCapError } from '../assert.js';
import { CorruptStateError } from '../../raft/persist.js';
import type { KvWire } from '../../raft/kv/codec.js';
import { decodeCommand } from '../../raft/kv/codec.js';
import { kvProgram, type KvNode } from '../../raft/kv/program.js';
import { isClerkReturn, KvServer, type KvApplied } from '../../raft/kv/server.js';
import { KvTable } from '../../raft/kv/table.js';
import type { MutantId } from '../../raft/mutants.js';
import type { RaftOptions } from '../../raft/options.js';
import {
  checkHistory,
  kvModel,
  type CheckResult,
  type KvInput,
  type KvOutput,
  type Operation,
} from '../check/index.js';
import { ViolationError, type Violation } from '../monitors/view.js';
import type { TimedFault } from '../nemesis.js';
import type { DeliveryRule } from '../network.js';
import { reliable, type NetworkProfile } from '../profiles.js';
import { seconds, type Micros } from '../time.js';
import type { TraceRecord } from '../trace.js';
import { World } from '../world.js';
import type { RunCoverage } from '../monitors/coverage.js';
import { attachCoverage } from './coverage.js';
import { attachMonitor } from './monitor.js';
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
  /** Linearizability search budget per key. */
  readonly checkBudget?: number;
  /** A deliberately broken Raft (raft/mutants.ts); absent for the correct one. */
  readonly mutant?: MutantId | null;
  /** Monitors on (the default) or off (for the benchmark's comparison). */
  readonly monitors?: boolean;
  readonly onTrace?: (record: TraceRecord) => void;
  /** The run's event cap (KV_MAX_EVENTS); past it the run fails as an event storm. */
  readonly maxEvents?: number;
  /** Record coverage (sim/run/coverage.ts) for guided fuzzing; off by default. */
  readonly coverage?: boolean;
  /** When links are checked (DeliveryRule); DEFAULT_DELIVERY when absent. */
  readonly delivery?: DeliveryRule;
}

/**
 * Busy runs of this service execute well under a million events (7 servers, 5 clerks that never
 * think, 10 s of faults and the liveness phase); twenty times that means a storm.
 */
export const KV_MAX_EVENTS = 20_000_000;

/** How a liveness message starts when the run hit the event cap. */
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
  readonly virtualMicros: Micros;
  readonly committed: number;
  /** What the run covered, when asked for. */
  readonly coverage?: RunCoverage;
}

/** After the faults: a leader within this long, and every open call done within LIVENESS_OPS. */
export const LIVENESS_LEADER: Micros = seconds(5);
export const LIVENESS_OPS: Micros = seconds(10);

/**
 * One run of the key/value service: a safety phase under the fault schedule with clerks
 * working, then a liveness phase (everything healed, a leader within 5 s, every open call and a
 * fresh get per clerk done within 10 s). The monitors watch every event; the history is then
 * checked for lost acknowledged writes and for linearizability.
 */
export function runKv(config: KvRunConfig): KvRunResult {
  const workloadOptions = { ...DEFAULT_WORKLOAD, ...config.workload };
  const servers = config.servers;
  const world = new World<KvWire, KvApplied, KvNode>({
    maxEvents: config.maxEvents ?? KV_MAX_EVENTS,
    nodes: servers + workloadOptions.clerks,
    faultDomain: servers, // clerks reach every side of a partition
    ...(config.delivery === undefined ? {} : { delivery: config.delivery }),
    seed: config.seed,
    profile: config.profile,
    program: kvProgram({
      servers,
      maxRaftStateBytes: config.maxRaftStateBytes ?? 0,
      mutant: config.mutant ?? null,
      ...(config.raft === undefined ? {} : { raft: config.raft }),
    }),
  });
  if (config.onTrace !== undefined) world.trace.subscribe(config.onTrace);
  const monitor =
    config.monitors === false
      ? null
      : attachMonitor(world, {
          servers,
          view: (node) => (node instanceof KvServer ? node.raft : null),
          applied: (applied) => (isClerkReturn(applied) ? null : applied),
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
  const appliedCommands: Uint8Array[] = [];
  world.onApply((node, applied) => {
    if (isClerkReturn(applied)) workload.returned(node, applied);
    else if (applied.commandValid) appliedCommands[applied.commandIndex] ??= applied.command;
  });
  world.leaderResolver = () => currentLeader(world, servers);
  world.scheduleFaults(config.faults);
  world.start();
  workload.start();

  let violation: Violation | null = null;
  let liveness: string | null = null;
  try {
    world.scheduler.runUntilTime(config.safetyMicros);
    liveness = livenessPhase(world, workload, servers);
    const settleUntil = config.safetyMicros + (config.healedMicros ?? 0);
    if (liveness === null && world.scheduler.now < settleUntil)
      world.scheduler.runUntilTime(settleUntil);
  } catch (error) {
    // A run that cannot get through its virtual time within the event cap makes no progress:
    // a livelock or a message storm, which is a liveness failure, not a crash of the tool.
    if (error instanceof EventCapError) liveness = `${EVENT_STORM}: ${error.message}`;
    else violation = violationOf(error, world.trace.events, world.scheduler.now);
  }
  const end = { t: world.scheduler.now, event: world.trace.events };
  violation ??= lostWrites(workload.history, appliedCommands, end);
  let linearizability: CheckResult | null = null;
  if (violation === null) {
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
    virtualMicros: world.scheduler.now,
    committed: monitor?.committedIndex ?? appliedCommands.length - 1,
    ...(coverage === null ? {} : { coverage: coverage.result() }),
  };
}

/** Heals everything, then requires a leader and the end of every open call, on time. */
function livenessPhase(
  world: World<KvWire, KvApplied, KvNode>,
  workload: Workload,
  servers: number,
): string | null {
  workload.stopIssuing();
  world.applyFault({ kind: 'heal' });
  if (world.network.hasStalls()) world.applyFault({ kind: 'release' });
  world.clearKnobs();
  world.setProfile(reliable);
  world.applyFault({ kind: 'restartCrashed' });
  for (let node = 0; node < servers; node++) {
    if (world.host(node).paused) world.applyFault({ kind: 'resume', node });
  }
  const healedAt = world.scheduler.now;
  const hasLeader = () => currentLeader(world, servers) !== null;
  if (!world.scheduler.runUntil(hasLeader, healedAt + LIVENESS_LEADER)) {
    return `no leader within ${LIVENESS_LEADER / 1e6} s of healing`;
  }
  workload.issueFinalGets();
  if (!world.scheduler.runUntil(() => workload.pending === 0, healedAt + LIVENESS_OPS)) {
    return `${workload.pending} clerk call(s) still open ${LIVENESS_OPS / 1e6} s after healing`;
  }
  return null;
}

/**
 * A monitor's violation, or a node's own assertion failing (an impossible state it noticed
 * itself). Anything else is a crash of the simulator and goes on up.
 */
function violationOf(error: unknown, event: number, t: Micros): Violation {
  if (error instanceof ViolationError) return error.violation;
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
  throw error;
}

/** The live server that leads the highest term, if any. */
export function currentLeader(
  world: World<KvWire, KvApplied, KvNode>,
  servers: number,
): number | null {
  let leader: number | null = null;
  let term = -1;
  for (let node = 0; node < servers; node++) {
    const instance = world.host(node).instance;
    if (!(instance instanceof KvServer) || instance.raft.role !== 'leader') continue;
    if (instance.raft.term > term) {
      term = instance.raft.term;
      leader = node;
    }
  }
  return leader;
}

/**
 * DUR, a cheap pre-check before linearizability: replaying the applied log, every put the
 * service acknowledged with OK took effect exactly once, and none it refused took effect.
 */
function lostWrites(
  history: readonly Operation<KvInput, KvOutput>[],
  applied: readonly (Uint8Array | undefined)[],
  end: { t: Micros; event: number },
): Violation | null {
  const table = new KvTable();
  const effective = new Map<string, number>();
  for (let index = 1; index < applied.length; index++) {
    const bytes = applied[index];
    if (bytes === undefined) break; // beyond what some node applied as a command
    const command = decodeCommand(bytes);
    const fresh = !table.isDuplicate(command);
    const result = table.apply(command);
    if (fresh && command.op.kind === 'put' && result.err === 'OK') {
      const value = command.op.value;
      effective.set(value, (effective.get(value) ?? 0) + 1);
    }
  }
  for (const op of history) {
    if (op.input.op !== 'put' || op.output === null) continue;
    const times = effective.get(op.input.value) ?? 0;
    if (op.output.err === 'OK' && times !== 1) {
      return {
        invariant: 'DUR',
        ...end,
        nodes: [],
        message: `put ${op.input.value} acknowledged but took effect ${times} times`,
      };
    }
    if ((op.output.err === 'ErrVersion' || op.output.err === 'ErrNoKey') && times !== 0) {
      return {
        invariant: 'DUR',
        ...end,
        nodes: [],
        message: `put ${op.input.value} refused (${op.output.err}) but took effect`,
      };
    }
  }
  return null;
}
