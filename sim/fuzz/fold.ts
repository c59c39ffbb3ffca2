import type { FaultStep, TimedFault } from '../nemesis.js';
import type { FuzzConfig } from './config.js';
import { limitDamage, minorityFollowers } from './fault-arbitraries.js';

/** A schedule drawn for a larger cluster, on `servers` nodes: ids taken modulo the size. */
export function foldSchedule(steps: readonly TimedFault[], servers: number): TimedFault[] {
  const out: TimedFault[] = [];
  for (const { at, step } of steps) {
    const folded = foldStep(step, servers);
    if (folded !== null) out.push({ at, step: folded });
  }
  return limitDamage(out, servers);
}

/**
 * The configuration on another cluster size: its schedule and its swarm vector's focus nodes
 * folded onto the new ids (a larger cluster keeps them all).
 */
export function foldConfig(config: FuzzConfig, servers: number): FuzzConfig {
  const swarm = config.swarm;
  const focus = swarm?.focus?.map((n) => n % servers);
  const vector =
    swarm === undefined
      ? {}
      : { swarm: { ...swarm, ...(focus === undefined ? {} : { focus: [...new Set(focus)] }) } };
  return { ...config, ...vector, servers, schedule: foldSchedule(config.schedule, servers) };
}

function foldStep(step: FaultStep, n: number): FaultStep | null {
  switch (step.kind) {
    case 'isolate':
    case 'crash':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'clock':
    case 'crashMidInput':
    case 'crashAtSave':
    case 'slowDisk':
    case 'damage':
      return { ...step, node: step.node % n };
    case 'partitionLeader':
      return { ...step, followers: Math.min(step.followers, minorityFollowers(n)) };
    case 'cut':
    case 'stall':
      return step.from % n === step.to % n
        ? null
        : { ...step, from: step.from % n, to: step.to % n };
    case 'partition':
      return { kind: 'partition', groups: foldGroups(step.groups, n) };
    case 'bridge': {
      const bridge = step.bridge % n;
      const [left = [], right = []] = foldGroups([step.left, step.right], n, bridge);
      return { kind: 'bridge', left, right, bridge };
    }
    case 'heal':
    case 'release':
    case 'stallLeader':
    case 'isolateLeader':
    case 'crashLeader':
    case 'restartCrashed':
    case 'pauseLeader':
    case 'resumePaused':
    case 'profile':
    case 'knob':
      return step;
  }
}

/** Groups of folded ids: a node stays in the first group it lands in (`skip`: in none). */
function foldGroups(groups: readonly (readonly number[])[], n: number, skip = -1): number[][] {
  const seen = new Set<number>(skip >= 0 ? [skip] : []);
  return groups.map((group) => {
    const out: number[] = [];
    for (const node of group) {
      const id = node % n;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
    }
    return out.sort((a, b) => a - b);
  });
}
