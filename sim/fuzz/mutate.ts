import fc from 'fast-check';
import { BACKUP_POLICIES } from '../../raft/options.js';
import type { FaultStep, TimedFault } from '../nemesis.js';
import type { RandomStream } from '../random.js';
import {
  APPLIER_LAGS,
  BLANK_SHARES,
  STRAY_SHARES,
  episodeEnd,
  expandEpisodes,
  FAULT_KIND_NAMES,
  faultKinds,
  foldSchedule,
  limitDamage,
  PROFILES_FOR_FUZZ,
  SNAPSHOT_EVERY_ENTRY,
  SNAPSHOT_THRESHOLDS,
} from './arbitraries.js';
import type { FuzzConfig } from './config.js';
import { foldConfig } from './fold.js';

/**
 * Guided mode's mutations: each takes a configuration (plain data) and returns a changed copy,
 * drawing every choice from the given stream. A mutated configuration is as valid as a drawn
 * one: node ids within the cluster, times within the safety phase, steps sorted by time.
 */

/** The most steps a mutated schedule keeps (swarm draws at most 48). */
export const MAX_MUTATED_STEPS = 48;
const SHIFT_MICROS = 2_000_000;

type Mutation = (config: FuzzConfig, r: RandomStream, other: FuzzConfig) => FuzzConfig;

/** Named, so that a test can try each on its own. */
export const MUTATIONS: Readonly<Record<string, Mutation>> = {
  move: (c, r) => withSchedule(c, moveStep(c, r)),
  stretch: (c, r) => withSchedule(c, stretchEpisode(c, r)),
  add: (c, r) => withSchedule(c, [...c.schedule, ...drawEpisode(c, r)]),
  drop: (c, r) => withSchedule(c, dropEpisode(c, r)),
  retarget: (c, r) => withSchedule(c, retarget(c, r)),
  knob: (c, r) => changeKnob(c, r),
  resize: (c, r) => resize(c, r),
  splice: (c, r, other) => withSchedule(c, splice(c, r, other)),
};
export const MUTATION_NAMES = Object.keys(MUTATIONS);

const FIXED_SIZE_MUTATIONS = MUTATION_NAMES.filter((name) => name !== 'resize');

/**
 * One to four mutations stacked (`other` is the partner of a splice). With `fixedSize` (the
 * user chose the cluster size) the size never changes.
 */
export function mutateConfig(
  config: FuzzConfig,
  r: RandomStream,
  other: FuzzConfig,
  fixedSize = false,
): FuzzConfig {
  let out = config;
  const names = fixedSize ? FIXED_SIZE_MUTATIONS : MUTATION_NAMES;
  const count = 1 + r.int(0, 3);
  for (let i = 0; i < count; i++) {
    const mutation = MUTATIONS[r.pick(names)] as Mutation;
    out = mutation(out, r, other);
  }
  return out;
}

function withSchedule(config: FuzzConfig, schedule: readonly TimedFault[]): FuzzConfig {
  const sorted = [...schedule]
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.at - b.s.at || a.i - b.i)
    .map((x) => x.s)
    .slice(0, MAX_MUTATED_STEPS);
  // A damaged node never boots again: a mutation may not damage more than a minority.
  return { ...config, schedule: limitDamage(sorted, config.servers) };
}

function clampTime(config: FuzzConfig, at: number): number {
  return Math.max(0, Math.min(config.safetyMicros, at));
}

function moveStep(config: FuzzConfig, r: RandomStream): TimedFault[] {
  const steps = [...config.schedule];
  if (steps.length === 0) return steps;
  const i = r.int(0, steps.length - 1);
  const step = steps[i] as TimedFault;
  steps[i] = { ...step, at: clampTime(config, step.at + r.int(-SHIFT_MICROS, SHIFT_MICROS)) };
  return steps;
}

/** An episode's end moves later (or, one time in three, earlier). */
function stretchEpisode(config: FuzzConfig, r: RandomStream): TimedFault[] {
  const steps = [...config.schedule];
  if (steps.length === 0) return steps;
  const start = r.int(0, steps.length - 1);
  const end = episodeEnd(steps, start);
  if (end < 0) return moveStep(config, r);
  const step = steps[end] as TimedFault;
  const delta = r.perMille(333) ? -r.int(0, SHIFT_MICROS) : r.int(0, 2 * SHIFT_MICROS);
  const floor = (steps[start] as TimedFault).at;
  steps[end] = { ...step, at: Math.max(floor, clampTime(config, step.at + delta)) };
  return steps;
}

/** A fresh episode, of a kind the configuration's swarm vector allows three times in four. */
function drawEpisode(config: FuzzConfig, r: RandomStream): TimedFault[] {
  const vector = config.swarm;
  const kinds =
    vector !== undefined && vector.kinds.length > 0 && !r.perMille(250)
      ? vector.kinds
      : FAULT_KIND_NAMES;
  const all = faultKinds(config.servers, vector?.focus ?? []);
  const arbitrary = all[r.pick(kinds)] ?? all['partition'];
  const [step] = fc.sample(arbitrary as fc.Arbitrary<FaultStep>, {
    seed: r.int(0, 0x7fff_ffff),
    numRuns: 1,
  });
  const episode = {
    at: r.int(0, config.safetyMicros),
    durationMicros: r.int(50_000, 4_000_000),
    step: step as FaultStep,
  };
  return expandEpisodes([episode]);
}

/** Drops a step and, if it starts an episode, the step that ends it. */
function dropEpisode(config: FuzzConfig, r: RandomStream): TimedFault[] {
  const steps = config.schedule;
  if (steps.length === 0) return [...steps];
  const start = r.int(0, steps.length - 1);
  const end = episodeEnd(steps, start);
  return steps.filter((_, i) => i !== start && i !== end);
}

/** A fault moves to another node (the other end of a link, another partition side). */
function retarget(config: FuzzConfig, r: RandomStream): TimedFault[] {
  const steps = [...config.schedule];
  if (steps.length === 0) return steps;
  const i = r.int(0, steps.length - 1);
  const timed = steps[i] as TimedFault;
  const n = config.servers;
  const moved = moveNode(timed.step, r, n);
  steps[i] = { at: timed.at, step: moved };
  // The episode's end follows a node it names (a restart, a resume).
  const end = episodeEnd(config.schedule, i);
  const ending = end >= 0 ? (steps[end] as TimedFault) : null;
  // Only an end that names a node follows it (an isolate ends with a heal, which names none).
  if (ending !== null && 'node' in moved && 'node' in ending.step) {
    steps[end] = { at: ending.at, step: { ...ending.step, node: moved.node } };
  }
  return steps;
}

function moveNode(step: FaultStep, r: RandomStream, n: number): FaultStep {
  const other = (node: number) => (node + 1 + r.int(0, n - 2)) % n;
  if (step.kind === 'cut' || step.kind === 'stall') {
    const from = r.perMille(500) ? other(step.from) : step.from;
    const to = from === step.from ? other(step.to) : step.to;
    return from === to ? step : { ...step, from, to };
  }
  if (step.kind === 'partition' && step.groups.length >= 2) {
    const node = r.int(0, n - 1);
    const groups = step.groups.map((g) => g.filter((x) => x !== node));
    const target = r.int(0, groups.length - 1);
    groups[target] = [...(groups[target] as number[]), node].sort((a, b) => a - b);
    return { kind: 'partition', groups };
  }
  if ('node' in step && typeof step.node === 'number') return { ...step, node: other(step.node) };
  return step;
}

/** A knob's snapshot thresholds, smallest first: one change in five snapshots after every entry. */
const THRESHOLD_CHOICES = [
  ...[...SNAPSHOT_THRESHOLDS].sort((a, b) => a - b),
  SNAPSHOT_EVERY_ENTRY,
] as const;

/**
 * One knob: the network profile, the snapshot threshold, a Raft option, the workload mix, the
 * applier's lag (a synchronous applier gets one, a lagging one loses it) or the stray or the
 * blank puts (the same: on or off).
 */
function changeKnob(config: FuzzConfig, r: RandomStream): FuzzConfig {
  const raft = config.raft ?? { maxEntriesPerAppend: 128 };
  const w = config.workload;
  switch (r.int(0, 8)) {
    case 0:
      return { ...config, profile: r.pick(PROFILES_FOR_FUZZ) };
    case 1:
      return { ...config, maxRaftStateBytes: r.pick(THRESHOLD_CHOICES) };
    case 2:
      return { ...config, raft: { ...raft, maxEntriesPerAppend: r.pick([1, 4, 128]) } };
    case 3:
      return { ...config, raft: { ...raft, backup: r.pick(BACKUP_POLICIES) } };
    case 4:
      return { ...config, workload: { ...w, clerks: r.int(1, 5) } };
    case 5:
      return { ...config, workload: { ...w, keys: r.int(1, 6), getPerMille: r.int(0, 1000) } };
    case 6:
      return toggleApplierLag(config, r);
    case 7:
      return r.perMille(500)
        ? toggleShare(config, r, 'strayPerMille', STRAY_SHARES)
        : toggleShare(config, r, 'blankPerMille', BLANK_SHARES);
    default:
      return { ...config, workload: { ...w, thinkMaxMicros: r.int(0, 100_000) } };
  }
}

function toggleApplierLag(config: FuzzConfig, r: RandomStream): FuzzConfig {
  if (config.applierLagMicros === undefined)
    return { ...config, applierLagMicros: r.pick(APPLIER_LAGS) };
  const { applierLagMicros: _lag, ...synchronous } = config;
  return synchronous;
}

/** A workload share drawn one seed in eight: on (at one of `shares`) or off. */
function toggleShare(
  config: FuzzConfig,
  r: RandomStream,
  field: 'strayPerMille' | 'blankPerMille',
  shares: readonly number[],
): FuzzConfig {
  const { [field]: share, ...rest } = config.workload;
  if (share === undefined) return { ...config, workload: { ...rest, [field]: r.pick(shares) } };
  return { ...config, workload: rest };
}

/** Another cluster size: ids fold onto a smaller cluster; a larger one keeps them. */
function resize(config: FuzzConfig, r: RandomStream): FuzzConfig {
  return foldConfig(config, r.pick([3, 4, 5, 6, 7].filter((s) => s !== config.servers)));
}

/** This schedule up to a time, the other's after it (folded onto this cluster). */
function splice(config: FuzzConfig, r: RandomStream, other: FuzzConfig): TimedFault[] {
  const cut = r.int(0, config.safetyMicros);
  const mine = config.schedule.filter((s) => s.at < cut);
  const theirs = foldSchedule(
    other.schedule.filter((s) => s.at >= cut && s.at <= config.safetyMicros),
    config.servers,
  );
  return [...mine, ...theirs];
}
