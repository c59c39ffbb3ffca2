import type { RaftOptions } from '../../raft/options.js';
import { seconds, type Micros } from '../time.js';
import { currentLeader, liveServers, type KvWorld } from './convergence.js';

/**
 * The last part of a run's liveness phase: a healed, converged cluster with no calls to serve
 * must settle under one leader and then stay quiet. Raft's safety and progress say nothing about
 * cost, so a leader that answers every reply with another append (a busy loop at the network's
 * speed) or a cluster that holds elections with a live leader in place passes every other check.
 * The lab's TestCount3B bounds the RPCs of one idle second; this bounds them in every fuzz run.
 */

/** How a liveness message starts when an idle cluster did not settle or was not quiet. */
export const BUSY_WHEN_IDLE = 'busy when idle';

/** Election timeouts allowed for every live server to follow one leader in its term. */
const SETTLE_ELECTIONS = 5;
/** How long the settled cluster is watched: several election timeouts, twenty heartbeats. */
const QUIET_MICROS: Micros = seconds(2);
/**
 * Messages allowed, in heartbeat rounds (an append and its reply per follower): the lab allows
 * three times the heartbeats of its idle second; one round more covers a last commit update.
 */
const ALLOWED_ROUNDS_PER_HEARTBEAT = 3;

/**
 * What keeps the cluster from being settled, or null once every live server is in the leader's
 * term, every other one follows, and each holds the leader's whole log and its commit index.
 * A follower may hold more: entries past the leader's last (a heartbeat carries no entries, so
 * it never truncates them) and a higher commit index (a new leader learns it only with an entry
 * of its own term). Then nothing is left to replicate.
 */
function unsettled(world: KvWorld, servers: number): string | null {
  const leaderId = currentLeader(world, servers);
  const live = liveServers(world, servers);
  const leader = live.find((server) => server.raft.id === leaderId)?.raft;
  if (leader === undefined) return 'no leader';
  for (const { raft } of live) {
    if (raft === leader) continue;
    const held = raft.termAt(leader.lastLogIndex);
    const differs =
      raft.term !== leader.term ||
      raft.role !== 'follower' ||
      held !== leader.lastLogTerm ||
      raft.commitIndex < leader.commitIndex;
    if (differs) {
      return (
        `node ${raft.id} is a ${raft.role} of term ${raft.term} with last index ` +
        `${raft.lastLogIndex}, term ${held ?? 'none'} at index ${leader.lastLogIndex} and commit index ` +
        `${raft.commitIndex}; leader ${leader.id} is at term ${leader.term}, last index ` +
        `${leader.lastLogIndex} of term ${leader.lastLogTerm}, commit index ${leader.commitIndex}`
      );
    }
  }
  return null;
}

function highestTerm(world: KvWorld, servers: number): number {
  let term = 0;
  for (const server of liveServers(world, servers)) term = Math.max(term, server.raft.term);
  return term;
}

/**
 * Waits for every live server to follow one leader and hold its log, then watches QUIET_MICROS of
 * idleness: no server may start an election, and the servers may send at most
 * ALLOWED_ROUNDS_PER_HEARTBEAT heartbeat rounds' worth of messages per heartbeat interval.
 * Returns what failed, or null.
 */
export function awaitQuiet(world: KvWorld, servers: number, raft: RaftOptions): string | null {
  const settleBound = SETTLE_ELECTIONS * raft.electionTimeoutMaxMicros;
  const from = world.scheduler.now;
  if (!world.scheduler.runUntil(() => unsettled(world, servers) === null, from + settleBound)) {
    return (
      `${BUSY_WHEN_IDLE}: not settled ${settleBound / 1e6} s after convergence: ` +
      `${unsettled(world, servers)}`
    );
  }
  const term = highestTerm(world, servers);
  const sentBefore = world.network.messagesSent;
  world.scheduler.runUntilTime(world.scheduler.now + QUIET_MICROS);
  const termAfter = highestTerm(world, servers);
  if (termAfter !== term) {
    return (
      `${BUSY_WHEN_IDLE}: an election with a leader in place: term ${term} rose to ` +
      `${termAfter} within ${QUIET_MICROS / 1e6} s of the cluster settling`
    );
  }
  const sent = world.network.messagesSent - sentBefore;
  const round = 2 * (servers - 1);
  const heartbeats = Math.ceil(QUIET_MICROS / raft.heartbeatIntervalMicros);
  const allowed = (ALLOWED_ROUNDS_PER_HEARTBEAT * heartbeats + 1) * round;
  if (sent <= allowed) return null;
  return (
    `${BUSY_WHEN_IDLE}: ${sent} messages in ${QUIET_MICROS / 1e6} s with no calls to serve ` +
    `(heartbeats alone: ${heartbeats * round}; at most ${allowed} allowed)`
  );
}
