import fc from 'fast-check';
import { BACKUP_POLICIES } from '../../raft/options.js';
import type { FaultStep, TimedFault } from '../nemesis.js';
import { DELIVERY_RULES } from '../network.js';
import type { WorkloadOptions } from '../run/workload.js';
import { seconds, type Micros } from '../time.js';
import type { FuzzConfig, SwarmVector } from './config.js';
import {
  faultStep,
  FAULT_KIND_NAMES,
  limitDamage,
  nodeOf,
  profileName,
} from './fault-arbitraries.js';
import { foldSchedule } from './fold.js';
import {
  applierLag,
  blankPuts,
  evenCluster,
  MAX_SERVERS,
  snapshotEveryEntry,
  strayPuts,
  withApplierLag,
  withEvenCluster,
  withEveryEntry,
  withPutShares,
} from './late-draws.js';

export {
  bridgePartition,
  FAULT_KIND_NAMES,
  faultKinds,
  faultStep,
  limitDamage,
  majorityPartition,
  PROFILES_FOR_FUZZ,
  profileName,
} from './fault-arbitraries.js';
export { foldSchedule } from './fold.js';
export {
  APPLIER_LAGS,
  applierLag,
  BLANK_SHARES,
  blankPuts,
  evenCluster,
  evenSizeBeside,
  SNAPSHOT_EVERY_ENTRY,
  snapshotEveryEntry,
  STRAY_SHARES,
  strayPuts,
} from './late-draws.js';

/**
 * The fuzzer's generators, exported for users to compose. Everything shrinks structurally:
 * fewer steps (arrays drop elements), earlier and shorter faults (times shrink toward 0),
 * fewer nodes (cluster sizes shrink toward 3, node ids toward 0).
 */

export const clusterSize = fc.constantFrom(3, 5, 7);

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
    case 'pauseLeader':
      return { kind: 'resumePaused' };
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
    case 'resumePaused':
    case 'profile':
    case 'clock': // a machine's clock keeps its drift, into the liveness phase too
      return null;
  }
}

/** The index of the step that ends the episode started at `start`, or -1. */
export function episodeEnd(steps: readonly TimedFault[], start: number): number {
  const first = steps[start] as TimedFault;
  const end = undo(first.step);
  if (end === null) return -1;
  const want = JSON.stringify(end);
  for (let j = start + 1; j < steps.length; j++) {
    if (JSON.stringify((steps[j] as TimedFault).step) === want) return j;
  }
  return -1;
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

/** What the drawn threshold shrinks toward. */
export const PLAIN_SNAPSHOT_THRESHOLD = 4096;
/**
 * The service snapshots past this Raft state size: rarely (16 KiB), often, or after every few
 * entries (400 bytes), so that snapshots land on every kind of index, term boundaries included.
 */
export const SNAPSHOT_THRESHOLDS = [PLAIN_SNAPSHOT_THRESHOLD, 1024, 16384, 400] as const;
export const snapshotThreshold = fc.constantFrom(...SNAPSHOT_THRESHOLDS);

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
  /** A fixed cluster size (otherwise 3, 5 or 7, and one seed in eight 4 or 6). */
  readonly servers?: number;
  readonly safetyMicros?: Micros;
  readonly maxSteps?: number;
}

const DEFAULT_SAFETY = seconds(10);

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
      everyEntry: snapshotEveryEntry,
      applierLagMicros: applierLag,
      evenCluster: options.servers === undefined ? evenCluster : fc.constant(false),
      strayPerMille: strayPuts,
      blankPerMille: blankPuts,
    })
    .map(({ evenCluster: even, strayPerMille, blankPerMille, ...config }) =>
      withPutShares(
        withEvenCluster(
          withApplierLag(
            withEveryEntry({ ...config, schedule: foldSchedule(config.schedule, config.servers) }),
          ),
          even,
        ),
        strayPerMille,
        blankPerMille,
      ),
    );
}

/**
 * Swarm mode: the seed first draws its fault vector (which kinds, how dense, which one to three
 * nodes of the cluster its faults favour, never all of them), then a schedule, the delivery rule,
 * whether it snapshots after every entry and whether its applier lags (the last three drawn
 * last, so that the rest of a seed's configuration does not depend on them).
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
    return fc
      .record({
        servers: fc.constant(servers),
        profile: profileName,
        schedule: schedule(servers, safetyMicros, steps, vector.kinds, vector.focus),
        safetyMicros: fc.constant(safetyMicros),
        workload,
        maxRaftStateBytes: snapshotThreshold,
        raft: raftOptions,
        swarm: fc.constant(vector),
        delivery: deliveryRule,
        everyEntry: snapshotEveryEntry,
        applierLagMicros: applierLag,
        evenCluster: options.servers === undefined ? evenCluster : fc.constant(false),
        strayPerMille: strayPuts,
        blankPerMille: blankPuts,
      })
      .map(({ evenCluster: even, strayPerMille, blankPerMille, ...config }) =>
        withPutShares(
          withEvenCluster(withApplierLag(withEveryEntry(config)), even),
          strayPerMille,
          blankPerMille,
        ),
      );
  };
  return size.chain((servers) =>
    swarmVector(servers).chain((vector) => configFor(servers, vector)),
  );
}
