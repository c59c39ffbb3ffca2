import type { KvWire } from '../../raft/kv/codec.js';
import type { KvNode } from '../../raft/kv/program.js';
import { KvServer, type KvApplied } from '../../raft/kv/server.js';
import type { RaftOptions } from '../../raft/options.js';
import type { Micros } from '../time.js';
import type { World } from '../world.js';

/** A world running the key/value service: servers, then clerks. */
export type KvWorld = World<KvWire, KvApplied, KvNode>;

/** How a liveness message starts when the healed servers did not converge. */
export const NO_CONVERGENCE = 'no convergence';

/**
 * Election timeouts allowed before convergence must be reached: a leader change or two after
 * the calls ended, each up to the longest timeout on a clock that runs 1.5 times slow (the
 * slowest drift the fuzzer draws), with room to spare.
 */
const CONVERGENCE_ELECTIONS = 5;
/**
 * One round of replication on the healed (reliable) network: a request and its reply, each at
 * most 500 µs, the leader's batching delay, and as much again for a snapshot's install.
 */
const ROUND_MICROS: Micros = 2_000;

/** The live server that leads the highest term, if any. */
export function currentLeader(world: KvWorld, servers: number): number | null {
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

/** The live servers, by node id (a paused one counts: it holds its state). */
export function liveServers(world: KvWorld, servers: number): KvServer[] {
  const out: KvServer[] = [];
  for (let node = 0; node < servers; node++) {
    const instance = world.host(node).instance;
    if (instance instanceof KvServer) out.push(instance);
  }
  return out;
}

/** A server short of the leader's commit index, or null when every live server has reached it. */
interface Lag {
  readonly leader: number | null;
  readonly leaderCommit: number;
  readonly node: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
}

function laggard(world: KvWorld, servers: number): Lag | null {
  const leader = currentLeader(world, servers);
  const live = liveServers(world, servers);
  const leaderCommit =
    leader === null ? Infinity : (world.host(leader).instance as KvServer).raft.commitIndex;
  for (const server of live) {
    const { commitIndex } = server.raft;
    const appliedIndex = server.appliedIndex;
    if (commitIndex >= leaderCommit && appliedIndex >= leaderCommit) continue;
    return { leader, leaderCommit, node: server.raft.id, commitIndex, appliedIndex };
  }
  return null;
}

/**
 * The bound: CONVERGENCE_ELECTIONS election timeouts, plus rounds of replication for what the
 * furthest-behind server lacks. Each entry it lacks may cost two rounds (a rejection walking
 * nextIndex back one index, then the entry itself, for the slowest backup policy) and a batch
 * of maxEntriesPerAppend entries one more; four rounds cover a probe, a snapshot and its reply.
 */
export function convergenceBound(world: KvWorld, servers: number, raft: RaftOptions): Micros {
  let lastIndex = 0;
  let leastApplied = Infinity;
  for (const server of liveServers(world, servers)) {
    lastIndex = Math.max(lastIndex, server.raft.lastLogIndex);
    leastApplied = Math.min(leastApplied, server.appliedIndex);
  }
  const behind = Number.isFinite(leastApplied) ? lastIndex - leastApplied : 0;
  const rounds = 4 + 2 * behind + Math.ceil(behind / raft.maxEntriesPerAppend);
  return CONVERGENCE_ELECTIONS * raft.electionTimeoutMaxMicros + rounds * ROUND_MICROS;
}

/**
 * After healing and the clerks' last calls: every live server reaches the leader's commit index
 * and applies through it within the bound, and then every one holds the same service state (its
 * table and the duplicate record, byte for byte). Returns what failed, or null.
 */
export function awaitConvergence(
  world: KvWorld,
  servers: number,
  raft: RaftOptions,
): string | null {
  const from = world.scheduler.now;
  const bound = convergenceBound(world, servers, raft);
  const done = () => laggard(world, servers) === null;
  if (!world.scheduler.runUntil(done, from + bound)) {
    const lag = laggard(world, servers) as Lag;
    const leader =
      lag.leader === null ? 'no leader' : `leader ${lag.leader} committed ${lag.leaderCommit}`;
    return (
      `${NO_CONVERGENCE} within ${bound / 1e6} s of the last call: node ${lag.node} committed ` +
      `${lag.commitIndex} and applied ${lag.appliedIndex}; ${leader}`
    );
  }
  return divergentState(world, servers);
}

/** Servers that applied through the same index must hold the same bytes. */
function divergentState(world: KvWorld, servers: number): string | null {
  const live = liveServers(world, servers);
  const byIndex = new Map<number, { node: number; bytes: Uint8Array }>();
  for (const server of live) {
    const bytes = server.state.encode();
    const seen = byIndex.get(server.appliedIndex);
    if (seen === undefined) byIndex.set(server.appliedIndex, { node: server.raft.id, bytes });
    else if (!sameBytes(seen.bytes, bytes)) {
      return (
        `${NO_CONVERGENCE}: nodes ${seen.node} and ${server.raft.id} applied through ` +
        `${server.appliedIndex} but hold different service states`
      );
    }
  }
  return null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
