import type { RaftOptions } from '../../raft/options.js';
import { reliable } from '../profiles.js';
import { seconds, type Micros } from '../time.js';
import { awaitConvergence, currentLeader, liveServers, type KvWorld } from './convergence.js';
import { awaitQuiet } from './idle.js';
import { leftWaiting, overBudget } from './settled.js';
import type { Workload } from './workload.js';

/**
 * A run's liveness phase (after the safety phase's faults): everything healed, then progress
 * within bounds, then convergence; with a minority trial, progress with a minority down first.
 */

/** After the faults: a leader within this long, and every open call done within LIVENESS_OPS. */
const LIVENESS_LEADER: Micros = seconds(5);
const LIVENESS_OPS: Micros = seconds(10);

/** What the phase works on: the world, its clerks, the Raft options and the coverage recorder. */
export interface LivenessRig {
  readonly world: KvWorld;
  readonly workload: Workload;
  readonly raft: RaftOptions;
  /** The service's snapshot budget in bytes of Raft state (0: it never snapshots). */
  readonly maxRaftStateBytes: number;
  /** The run's coverage recorder, when it records coverage: stopped before the idle watch. */
  readonly coverage: { stop(): void } | null;
}

/** How a liveness message starts when the servers failed with a minority down. */
export const MINORITY_TRIAL = 'minority trial';

/**
 * Heals everything, then (with `trial`) keeps the most up-to-date minority down while the rest
 * must make progress, then requires a leader, the end of every open call, convergence, and a
 * settled, quiet cluster once idle (idle.ts), each on time, and last that the quiet servers
 * kept their state within budget and no call waiting (settled.ts). What was missed, or null.
 */
export function livenessPhase(rig: LivenessRig, servers: number, trial: boolean): string | null {
  const { world, workload } = rig;
  workload.stopIssuing();
  healAll(world);
  if (trial) {
    const down = keepMinorityDown(world, servers);
    const missed = progress(rig, servers, 'healing');
    if (missed !== null) return `${MINORITY_TRIAL} (nodes ${down.join(', ')} down): ${missed}`;
    world.applyFault({ kind: 'restartCrashed' });
  }
  const since = trial ? 'the minority restarted' : 'healing';
  const missed = progress(rig, servers, since) ?? awaitConvergence(world, servers, rig.raft);
  if (missed !== null) return missed;
  rig.coverage?.stop();
  return (
    awaitQuiet(world, servers, rig.raft) ??
    overBudget(world, servers, rig.maxRaftStateBytes) ??
    leftWaiting(world, servers)
  );
}

/**
 * From now on (`since` names the moment, for the message): a leader within LIVENESS_LEADER, then
 * every open call and one get per clerk done within LIVENESS_OPS. What was missed, or null.
 */
function progress(rig: LivenessRig, servers: number, since: string): string | null {
  const { world, workload } = rig;
  const healedAt = world.scheduler.now;
  const hasLeader = () => currentLeader(world, servers) !== null;
  if (!world.scheduler.runUntil(hasLeader, healedAt + LIVENESS_LEADER)) {
    return `no leader within ${LIVENESS_LEADER / 1e6} s of ${since}`;
  }
  workload.issueFinalGets();
  if (!world.scheduler.runUntil(() => workload.pending === 0, healedAt + LIVENESS_OPS)) {
    return `${workload.pending} clerk call(s) still open ${LIVENESS_OPS / 1e6} s after ${since}`;
  }
  return null;
}

/**
 * The minority trial's outage: Raft promises progress with any majority up and connected, not
 * only with every server. The live servers with the most up-to-date logs (last term, then last
 * index) are crashed until a minority is down (servers that refuse to boot count), which leaves
 * the majority whose logs are the hardest to elect a leader from. A vote rule that is not a total
 * order (index and term compared apart), a candidate that leaves out its own vote, or a leader
 * that leaves itself out of a commit count stalls there, yet passes with every server back.
 */
function keepMinorityDown(world: KvWorld, servers: number): number[] {
  const live = liveServers(world, servers);
  const minority = Math.floor((servers - 1) / 2);
  const ranked = live
    .map((server) => server.raft)
    .sort(
      (a, b) => b.lastLogTerm - a.lastLogTerm || b.lastLogIndex - a.lastLogIndex || a.id - b.id,
    );
  const crashed = ranked.slice(0, Math.max(0, minority - (servers - live.length)));
  for (const raft of crashed) world.applyFault({ kind: 'crash', node: raft.id });
  const down: number[] = [];
  for (let node = 0; node < servers; node++) if (!world.host(node).alive) down.push(node);
  return down;
}

/** The network reliable and whole again, every server up and running. */
function healAll(world: KvWorld): void {
  world.applyFault({ kind: 'heal' });
  if (world.network.hasStalls()) world.applyFault({ kind: 'release' });
  world.clearKnobs();
  world.setProfile(reliable);
  world.calmMachines();
  // Nodes that refuse to boot on damaged saved state stay down (a minority, by construction).
  world.applyFault({ kind: 'restartCrashed' });
  world.applyFault({ kind: 'resumePaused' });
}
