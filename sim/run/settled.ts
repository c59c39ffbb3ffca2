import { KvServer } from '../../raft/kv/server.js';
import type { KvWorld } from './convergence.js';

/**
 * What a settled cluster's servers must have tidied up, checked once the idle watch is over
 * (the servers converged and quiet). Neither is a safety matter, and no other
 * check sees either: a log never compacted is still a correct log, and a call left waiting
 * answers no one wrongly. Both grow for as long as the cluster runs.
 */

/** How a liveness message starts when a settled server's Raft state is past its budget. */
export const OVER_BUDGET = 'over budget';
/** How a liveness message starts when a settled server still waits on an index it applied. */
export const LEFT_WAITING = 'left waiting';

/**
 * Once the cluster has settled: a server whose saved
 * Raft state is at or past the service's budget (`maxRaftStateBytes`, 0 for none) must have
 * snapshotted everything it applied, which brings it back under. The lab asks the same of a
 * server (its state within eight times the budget once the calls are done); checked at the
 * end, the rule is exact, with no slack: a service that never sees its state grow, or compares
 * it with the wrong figure, keeps a log that grows for as long as the cluster runs.
 */
export function overBudget(world: KvWorld, servers: number, budget: number): string | null {
  if (budget === 0) return null;
  for (let node = 0; node < servers; node++) {
    const server = world.host(node).instance;
    if (!(server instanceof KvServer)) continue;
    const bytes = world.host(node).persister.readRaftState().length;
    const { snapshotIndex } = server.raft;
    if (bytes < budget || server.appliedIndex <= snapshotIndex) continue;
    return (
      `${OVER_BUDGET}: node ${node} saved ${bytes} bytes of Raft state (budget ${budget}) ` +
      `and applied through ${server.appliedIndex}, but its snapshot ends at ${snapshotIndex}`
    );
  }
  return null;
}

/**
 * Once the cluster has settled, no server holds a call waiting for an entry it has applied:
 * applying the index answers the call (with its outcome, or with a wrong-leader answer when
 * another entry landed there), and a snapshot that passes the index ends the wait. A waiter left
 * behind is a leak that grows with the calls (not removed once answered, or once a snapshot
 * passed its index), and in Go a goroutine blocked for good. (A waiter past the applied index
 * may stay: a deposed leader's entry that the cluster's log never reached.)
 */
export function leftWaiting(world: KvWorld, servers: number): string | null {
  for (let node = 0; node < servers; node++) {
    const server = world.host(node).instance;
    if (!(server instanceof KvServer)) continue;
    const stale = server.waitingIndexes.filter((index) => index <= server.appliedIndex);
    if (stale.length === 0) continue;
    const shown = stale.slice(0, 3).join(', ') + (stale.length > 3 ? ', …' : '');
    return (
      `${LEFT_WAITING}: node ${node} applied through ${server.appliedIndex} and still holds ` +
      `${stale.length} call(s) waiting at indexes it applied (${shown})`
    );
  }
  return null;
}
