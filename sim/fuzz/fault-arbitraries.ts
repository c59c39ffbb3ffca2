import fc from 'fast-check';
import {
  DAMAGE_KINDS,
  NETWORK_KNOBS,
  SAVED_FILES,
  type FaultStep,
  type TimedFault,
} from '../nemesis.js';

/**
 * The fuzzer's fault generators: one arbitrary per fault kind, aimed at focus nodes, and the
 * rule that keeps disk damage to a minority of the cluster. Re-exported by arbitraries.ts.
 */
/** Profiles a run may start with (long reordering and delays come as knobs too). */
export const PROFILES_FOR_FUZZ = [
  'reliable',
  'unreliable',
  'longReordering',
  'exponential',
  'duplicating',
  'longTail',
] as const;
export const profileName = fc.constantFrom(...PROFILES_FOR_FUZZ);

export const nodeOf = (servers: number) => fc.integer({ min: 0, max: servers - 1 });
const allNodes = (servers: number) => Array.from({ length: servers }, (_, i) => i);

/**
 * A majority and a minority, in random order. Given `first` (a focus node's arbitrary), the node
 * it draws is always in the minority.
 */
export function majorityPartition(
  servers: number,
  first: fc.Arbitrary<number> | null = null,
): fc.Arbitrary<FaultStep> {
  const largest = Math.floor((servers - 1) / 2);
  const drawn = fc.shuffledSubarray(allNodes(servers), { minLength: 1, maxLength: largest });
  const minority =
    first === null
      ? drawn
      : fc
          .tuple(first, drawn)
          .map(([node, rest]) => [node, ...rest.filter((n) => n !== node)].slice(0, largest));
  return minority.map((members) => ({
    kind: 'partition',
    groups: [
      allNodes(servers).filter((n) => !members.includes(n)),
      [...members].sort((a, b) => a - b),
    ],
  }));
}

/** Two sides that cannot talk and one node in touch with both. */
export function bridgePartition(servers: number): fc.Arbitrary<FaultStep> {
  return fc.tuple(nodeOf(servers), fc.shuffledSubarray(allNodes(servers))).map(([bridge, left]) => {
    const leftSide = left.filter((n) => n !== bridge).sort((a, b) => a - b);
    const rightSide = allNodes(servers).filter((n) => n !== bridge && !leftSide.includes(n));
    return { kind: 'bridge', left: leftSide, right: rightSide, bridge };
  });
}

/**
 * The node a fault hits: any node, or, given focus nodes, one of those three times in four.
 * Faults cluster on bad machines (a drifting clock, pauses and dropped links on one host), and
 * many bugs need the same node hit twice: the focus makes that common instead of rare.
 */
function targetNode(servers: number, focus: readonly number[]): fc.Arbitrary<number> {
  const any = nodeOf(servers);
  const focused = focus.filter((n) => n < servers);
  if (focused.length === 0) return any;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...focused), weight: 3 },
    { arbitrary: any, weight: 1 },
  );
}

/**
 * Every kind of fault step, by name: swarm mode enables a subset per seed. Steps that name a
 * node draw it through `focus` (see targetNode); the default, no focus, draws uniformly.
 */
export function faultKinds(
  servers: number,
  focus: readonly number[] = [],
): Record<string, fc.Arbitrary<FaultStep>> {
  const node = targetNode(servers, focus);
  /** A one-way link between two different nodes. */
  const link = fc.tuple(node, node).filter(([a, b]) => a !== b);
  return {
    partition: majorityPartition(servers, focus.length === 0 ? null : node),
    bridge: bridgePartition(servers),
    isolate: node.map((n) => ({ kind: 'isolate', node: n })),
    cut: link.map(([from, to]) => ({ kind: 'cut', from, to })),
    stall: link.map(([from, to]) => ({ kind: 'stall', from, to })),
    stallLeader: fc.constant({ kind: 'stallLeader' }),
    isolateLeader: fc.constant({ kind: 'isolateLeader' }),
    // The leader keeps a minority side: with a follower where the cluster allows (5 or more).
    // Its clients may go with it (and then write to it alone), or keep reaching every side.
    partitionLeader: fc
      .tuple(
        fc.integer({
          min: Math.min(1, minorityFollowers(servers)),
          max: minorityFollowers(servers),
        }),
        fc.boolean(),
      )
      .map(([followers, clients]) => ({ kind: 'partitionLeader', followers, clients })),
    heal: fc.constant({ kind: 'heal' }),
    // A crash lands between inputs (half the time), between two effects of one input, or as a
    // save is about to reach the disk.
    crash: fc.oneof(
      { arbitrary: node.map((n): FaultStep => ({ kind: 'crash', node: n })), weight: 2 },
      { arbitrary: crashMidInput(node), weight: 1 },
      { arbitrary: crashAtSave(node), weight: 1 },
    ),
    crashLeader: fc.constant({ kind: 'crashLeader' }),
    restart: fc.constant({ kind: 'restartCrashed' }),
    // Half the pauses stop whoever leads at the time: the classic stale leader, which wakes up
    // still believing it leads and acts on what waited for it (a GC pause, a migrated VM).
    pause: fc.oneof(
      node.map((n): FaultStep => ({ kind: 'pause', node: n })),
      fc.constant<FaultStep>({ kind: 'pauseLeader' }),
    ),
    profile: profileName.map((p) => ({ kind: 'profile', profile: p })),
    knob: fc
      .tuple(fc.constantFrom(...NETWORK_KNOBS), fc.boolean())
      .map(([knob, on]) => ({ kind: 'knob', knob, on })),
    // Drift within 0.67x..2x: at worst a slow leader's heartbeats (every 150 ms) race a fast
    // follower's shortest election timeout (150 ms), which costs an election now and then but
    // not liveness; a node twice as fast as the rest times out first every round. The two
    // extremes are drawn twice as often as the milder rates: they are where timing bugs show.
    clock: fc
      .tuple(node, clockRate)
      .map(([n, ratePerMille]) => ({ kind: 'clock', node: n, ratePerMille })),
    crashMidInput: crashMidInput(node),
    crashAtSave: crashAtSave(node),
    // Saves of 1 to 100 ms: from a busy disk to one slower than a heartbeat interval.
    slowDisk: fc
      .tuple(node, fc.integer({ min: 1_000, max: 100_000 }))
      .map(([n, maxMicros]) => ({ kind: 'slowDisk', node: n, maxMicros })),
    damage: fc
      .record({
        node,
        damage: fc.constantFrom(...DAMAGE_KINDS),
        file: fc.constantFrom(...SAVED_FILES),
        wherePerMille: fc.integer({ min: 0, max: 999 }),
      })
      .map((d): FaultStep => ({ kind: 'damage', ...d })),
  };
}

/** The node dies after 0 to 8 effects of its next input (most inputs have fewer than 8). */
function crashMidInput(node: fc.Arbitrary<number>): fc.Arbitrary<FaultStep> {
  return fc
    .tuple(node, fc.integer({ min: 0, max: 8 }))
    .map(([n, afterEffects]) => ({ kind: 'crashMidInput', node: n, afterEffects }));
}

/** The node dies at its first to fourth save from now (one input often saves twice). */
function crashAtSave(node: fc.Arbitrary<number>): fc.Arbitrary<FaultStep> {
  return fc
    .tuple(node, fc.integer({ min: 0, max: 3 }))
    .map(([n, saves]) => ({ kind: 'crashAtSave', node: n, saves }));
}

/**
 * A damaged node refuses to boot and stays down for good: damage only a minority of the
 * cluster (the first nodes damaged), so that the liveness phase can still make progress.
 */
export function limitDamage(steps: readonly TimedFault[], servers: number): TimedFault[] {
  const minority = Math.floor((servers - 1) / 2);
  const damaged = new Set<number>();
  return steps.filter(({ step }) => {
    if (step.kind !== 'damage') return true;
    if (damaged.has(step.node)) return true;
    if (damaged.size >= minority) return false;
    damaged.add(step.node);
    return true;
  });
}

const clockRate = fc.oneof(
  { arbitrary: fc.constantFrom(2000, 667), weight: 2 },
  { arbitrary: fc.constantFrom(1500, 800, 1250), weight: 1 },
);

/** How many followers a leader can keep and still be in a minority. */
export function minorityFollowers(servers: number): number {
  return Math.max(0, Math.floor((servers - 1) / 2) - 1);
}

export const FAULT_KIND_NAMES = Object.keys(faultKinds(3));

export function faultStep(
  servers: number,
  kinds: readonly string[] = FAULT_KIND_NAMES,
  focus: readonly number[] = [],
): fc.Arbitrary<FaultStep> {
  const all = faultKinds(servers, focus);
  return fc.oneof(...kinds.map((k) => all[k] as fc.Arbitrary<FaultStep>));
}
