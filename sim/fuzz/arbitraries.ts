import fc from 'fast-check';
import { BACKUP_POLICIES } from '../../raft/options.js';
import {
  DAMAGE_KINDS,
  NETWORK_KNOBS,
  SAVED_FILES,
  type FaultStep,
  type TimedFault,
} from '../nemesis.js';
import { DELIVERY_RULES } from '../network.js';
import type { WorkloadOptions } from '../run/workload.js';
import { seconds, type Micros } from '../time.js';
import type { FuzzConfig, SwarmVector } from './config.js';

/**
 * The fuzzer's generators, exported for users to compose. Everything shrinks structurally:
 * fewer steps (arrays drop elements), earlier and shorter faults (times shrink toward 0),
 * fewer nodes (cluster sizes shrink toward 3, node ids toward 0).
 */

export const clusterSize = fc.constantFrom(3, 5, 7);

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

const nodeOf = (servers: number) => fc.integer({ min: 0, max: servers - 1 });
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
    pause: node.map((n) => ({ kind: 'pause', node: n })),
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
function minorityFollowers(servers: number): number {
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

/** A fault that lasts: it starts at `at` and is undone `durationMicros` later. */
export interface Episode {
  readonly at: Micros;
  readonly durationMicros: Micros;
  readonly step: FaultStep;
}

/**
 * What ends a fault: links heal, crashed nodes restart, a knob goes off. Heals, profile
 * switches and clock drift need no ending.
 */
export function undo(step: FaultStep): FaultStep | null {
  switch (step.kind) {
    case 'partition':
    case 'bridge':
    case 'isolate':
    case 'cut':
    case 'isolateLeader':
    case 'partitionLeader':
      return { kind: 'heal' };
    case 'crash':
    case 'crashMidInput':
    case 'crashAtSave':
    case 'damage': // the restart is refused: the node stays down
      return { kind: 'restart', node: step.node };
    case 'slowDisk':
      return step.maxMicros > 0 ? { kind: 'slowDisk', node: step.node, maxMicros: 0 } : null;
    case 'crashLeader':
      return { kind: 'restartCrashed' };
    case 'pause':
      return { kind: 'resume', node: step.node };
    case 'stall':
    case 'stallLeader':
      return { kind: 'release' };
    case 'knob':
      return step.on ? { kind: 'knob', knob: step.knob, on: false } : null;
    case 'heal':
    case 'release':
    case 'restart':
    case 'restartCrashed':
    case 'resume':
    case 'profile':
    case 'clock': // a machine's clock keeps its drift, into the liveness phase too
      return null;
  }
}

/** Episodes as the timed steps a run applies: each start, and its end where it has one. */
export function expandEpisodes(episodes: readonly Episode[]): TimedFault[] {
  const steps: TimedFault[] = [];
  for (const e of episodes) {
    steps.push({ at: e.at, step: e.step });
    const end = undo(e.step);
    if (end !== null) steps.push({ at: e.at + e.durationMicros, step: end });
  }
  return steps.sort((a, b) => a.at - b.at); // stable: equal times keep episode order
}

/**
 * A schedule: up to maxSteps fault episodes within the safety phase, each undone after a while
 * (the way Jepsen's nemeses start and stop faults), as timed steps sorted by time. Episodes
 * shrink to fewer, earlier and shorter ones.
 */
export function schedule(
  servers: number,
  safetyMicros: Micros,
  maxSteps = 12,
  kinds: readonly string[] = FAULT_KIND_NAMES,
  focus: readonly number[] = [],
): fc.Arbitrary<TimedFault[]> {
  const episode: fc.Arbitrary<Episode> = fc
    .record({
      at: fc.integer({ min: 0, max: safetyMicros }),
      durationMicros: fc.integer({ min: 50_000, max: 4_000_000 }),
      step: faultStep(servers, kinds, focus),
      reboot: quickReboot,
    })
    .map(({ reboot, ...e }) =>
      reboot !== null && CRASHES.has(e.step.kind) ? { ...e, durationMicros: reboot } : e,
    );
  return fc
    .array(episode, { maxLength: Math.ceil(maxSteps / 2) })
    .map((episodes) => limitDamage(expandEpisodes(episodes), servers));
}

/**
 * Faults last 50 ms to 4 s, but one crash in three is a quick reboot: the node is back within
 * 1 to 50 ms (a supervisor restarting the process at once), inside the election it crashed in,
 * which is where a forgotten vote or a lost log write shows.
 */
const quickReboot: fc.Arbitrary<number | null> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 2 },
  { arbitrary: fc.integer({ min: 1_000, max: 50_000 }), weight: 1 },
);

const CRASHES: ReadonlySet<FaultStep['kind']> = new Set([
  'crash',
  'crashMidInput',
  'crashAtSave',
  'crashLeader',
] as const);

/**
 * With appends in the mix, at least one operation in ten is a get: a read is what shows an
 * append executed twice, and a key's appends with no read between them leave the checker to
 * find their order from the last read alone, one order after another.
 */
const MIN_GETS_WITH_APPENDS = 100;

export const workload: fc.Arbitrary<WorkloadOptions> = fc
  .record({
    clerks: fc.integer({ min: 1, max: 5 }),
    keys: fc.integer({ min: 1, max: 6 }),
    getPerMille: fc.integer({ min: 0, max: 1000 }),
    // Appends make a command executed twice visible; shrinks toward puts only.
    appendPerMille: fc.integer({ min: 0, max: 1000 }),
    thinkMinMicros: fc.constant(0),
    thinkMaxMicros: fc.integer({ min: 0, max: 100_000 }),
  })
  .map((w) =>
    w.appendPerMille > 0
      ? { ...w, getPerMille: Math.max(w.getPerMille, MIN_GETS_WITH_APPENDS) }
      : w,
  );

/**
 * The service snapshots past this Raft state size: rarely (16 KiB), often, or after every few
 * entries (400 bytes), so that snapshots land on every kind of index, term boundaries included.
 */
export const snapshotThreshold = fc.constantFrom(4096, 1024, 16384, 400);

/**
 * How many entries one AppendEntries may carry (128, the default, or a handful) and how a
 * leader backs up after a rejection (every policy is correct Raft; each shows followers
 * different requests). Both shrink toward the defaults.
 */
export const raftOptions = fc.record({
  maxEntriesPerAppend: fc.constantFrom(128, 4, 1),
  backup: fc.constantFrom(...BACKUP_POLICIES),
});

/**
 * When links are checked: at arrival too (a broken connection loses what it carried), or as
 * labrpc does, only when a message leaves (what is in flight arrives). Shrinks toward the first.
 */
export const deliveryRule = fc.constantFrom(...DELIVERY_RULES);

export interface ConfigOptions {
  /** A fixed cluster size (otherwise 3, 5 or 7). */
  readonly servers?: number;
  readonly safetyMicros?: Micros;
  readonly maxSteps?: number;
}

const DEFAULT_SAFETY = seconds(10);

/** The largest cluster a schedule is drawn for; smaller clusters fold node ids onto theirs. */
const MAX_SERVERS = 7;

/**
 * Schedule mode: any mix of faults, shrunk as one list. The cluster size and the schedule are drawn independently (the schedule for
 * the largest cluster, folded onto the drawn size), so that fast-check can shrink each on its
 * own: fewer nodes as well as fewer and shorter faults.
 */
export function fuzzConfig(options: ConfigOptions = {}): fc.Arbitrary<FuzzConfig> {
  const safetyMicros = options.safetyMicros ?? DEFAULT_SAFETY;
  const size = options.servers === undefined ? clusterSize : fc.constant(options.servers);
  const drawnFor = Math.max(MAX_SERVERS, options.servers ?? 0);
  return fc
    .record({
      servers: size,
      profile: profileName,
      schedule: schedule(drawnFor, safetyMicros, options.maxSteps ?? 12),
      safetyMicros: fc.constant(safetyMicros),
      workload,
      maxRaftStateBytes: snapshotThreshold,
      raft: raftOptions,
    })
    .map((config) => ({ ...config, schedule: foldSchedule(config.schedule, config.servers) }));
}

/** A schedule drawn for a larger cluster, on `servers` nodes: ids taken modulo the size. */
export function foldSchedule(steps: readonly TimedFault[], servers: number): TimedFault[] {
  const out: TimedFault[] = [];
  for (const { at, step } of steps) {
    const folded = foldStep(step, servers);
    if (folded !== null) out.push({ at, step: folded });
  }
  return limitDamage(out, servers);
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

/**
 * Swarm mode: the seed first draws its fault vector (which kinds, how dense, which one to three
 * nodes of the cluster its faults favour, never all of them), then a schedule, and the delivery
 * rule (drawn last, so that the rest of a seed's configuration is what it was before rules).
 */
export function swarmVector(servers: number): fc.Arbitrary<SwarmVector> {
  return fc.record({
    kinds: fc.subarray(FAULT_KIND_NAMES, { minLength: 1 }),
    meanGapMicros: fc.integer({ min: 200_000, max: 3_000_000 }),
    focus: fc.uniqueArray(nodeOf(servers), {
      minLength: 1,
      maxLength: Math.max(1, Math.min(3, servers - 1)),
    }),
  });
}

export function swarmConfig(options: ConfigOptions = {}): fc.Arbitrary<FuzzConfig> {
  const safetyMicros = options.safetyMicros ?? DEFAULT_SAFETY;
  const size = options.servers === undefined ? clusterSize : fc.constant(options.servers);
  const configFor = (servers: number, vector: SwarmVector) => {
    const steps = Math.max(
      1,
      Math.min(options.maxSteps ?? 24, Math.round(safetyMicros / vector.meanGapMicros)),
    );
    return fc.record({
      servers: fc.constant(servers),
      profile: profileName,
      schedule: schedule(servers, safetyMicros, steps, vector.kinds, vector.focus),
      safetyMicros: fc.constant(safetyMicros),
      workload,
      maxRaftStateBytes: snapshotThreshold,
      raft: raftOptions,
      swarm: fc.constant(vector),
      delivery: deliveryRule,
    });
  };
  return size.chain((servers) =>
    swarmVector(servers).chain((vector) => configFor(servers, vector)),
  );
}
