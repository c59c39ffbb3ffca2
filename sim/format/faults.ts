import * as v from 'valibot';
import { DAMAGE_KINDS, NETWORK_KNOBS, SAVED_FILES, type FaultStep } from '../nemesis.js';
import { PROFILE_NAMES } from '../profiles.js';
import { MAX_VIRTUAL_MICROS } from '../time.js';
import { expected, fields, flag, integer, list, oneOf, someFields } from './kit.js';

/**
 * The one definition of a fault step as a file stores it (repro files, regressions): one entry
 * per fault kind below. A node id is checked against the cluster it runs on, so the schemas are
 * made for a cluster size. A new fault kind is one more entry here (and its case in
 * nemesis.ts); the type checks at the end fail until both agree.
 */

/** A clock runs between a tenth and ten times real time: beyond that a run only spins. */
export const MIN_CLOCK_PER_MILLE = 100;
export const MAX_CLOCK_PER_MILLE = 10_000;

function stepSchemas(servers: number) {
  const node = integer(0, servers - 1, `a node id in 0..${servers - 1}`);
  const nodes = list(node, servers, `a list of node ids in 0..${servers - 1}`);
  const link = v.pipe(
    fields({ kind: v.picklist(['cut', 'stall']), from: node, to: node }),
    v.check((step) => step.from !== step.to, expected('a link between two different nodes')),
  );
  const only = <const K extends string>(kind: K) => fields({ kind: v.literal(kind) });
  const onNode = <const K extends string>(kind: K) => fields({ kind: v.literal(kind), node });
  return {
    partition: fields({
      kind: v.literal('partition'),
      groups: v.pipe(
        list(nodes, servers, 'a list of groups of node ids'),
        v.check((groups) => distinct(groups.flat()), expected('groups with no node in two')),
      ),
    }),
    cut: link,
    stall: link,
    stallLeader: only('stallLeader'),
    release: only('release'),
    isolate: onNode('isolate'),
    heal: only('heal'),
    bridge: v.pipe(
      fields({ kind: v.literal('bridge'), left: nodes, right: nodes, bridge: node }),
      v.check(
        (step) => distinct([...step.left, ...step.right, step.bridge]),
        expected('two sides and a bridge with no node in two places'),
      ),
    ),
    crash: onNode('crash'),
    ...diskAndCrashPointSchemas(node),
    restart: onNode('restart'),
    isolateLeader: only('isolateLeader'),
    partitionLeader: fields({
      kind: v.literal('partitionLeader'),
      followers: integer(0, servers - 1),
      clients: v.exactOptional(flag()),
    }),
    crashLeader: only('crashLeader'),
    restartCrashed: only('restartCrashed'),
    profile: fields({ kind: v.literal('profile'), profile: oneOf(PROFILE_NAMES, 'a profile') }),
    pause: onNode('pause'),
    pauseLeader: only('pauseLeader'),
    resume: onNode('resume'),
    resumePaused: only('resumePaused'),
    clock: fields({
      kind: v.literal('clock'),
      node,
      ratePerMille: integer(
        MIN_CLOCK_PER_MILLE,
        MAX_CLOCK_PER_MILLE,
        `a clock rate in ${MIN_CLOCK_PER_MILLE}..${MAX_CLOCK_PER_MILLE} per mille`,
      ),
    }),
    knob: fields({
      kind: v.literal('knob'),
      knob: oneOf(NETWORK_KNOBS, 'a network knob'),
      on: flag(),
    }),
  } satisfies Record<FaultStep['kind'], v.GenericSchema>;
}

/** Faults inside a node: crash points and disks (node ids checked against the cluster). */
function diskAndCrashPointSchemas(node: ReturnType<typeof integer>) {
  return {
    crashMidInput: fields({
      kind: v.literal('crashMidInput'),
      node,
      afterEffects: integer(0, 1_000_000, 'a count of effects, 0..1000000'),
    }),
    crashAtSave: fields({
      kind: v.literal('crashAtSave'),
      node,
      saves: integer(0, 1_000_000, 'a count of saves, 0..1000000'),
    }),
    slowDisk: fields({
      kind: v.literal('slowDisk'),
      node,
      maxMicros: integer(0, MAX_VIRTUAL_MICROS, `a latency in 0..${MAX_VIRTUAL_MICROS} µs`),
    }),
    damage: fields({
      kind: v.literal('damage'),
      node,
      damage: oneOf(DAMAGE_KINDS, 'a damage kind'),
      file: oneOf(SAVED_FILES, 'a saved file'),
      wherePerMille: integer(0, 999, 'a place in 0..999 per mille'),
    }),
  };
}

function distinct(nodes: readonly number[]): boolean {
  return new Set(nodes).size === nodes.length;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const FAULT_STEP_KINDS = Object.keys(stepSchemas(3)) as FaultStep['kind'][];

const KIND = oneOf(FAULT_STEP_KINDS, 'a fault kind');

/** One fault step on a cluster of `servers` nodes. */
export function faultStepSchema(servers: number) {
  const schemas = stepSchemas(servers);
  // The kind is checked first, so a step with an unknown kind says so rather than listing
  // every kind's fields.
  // The step's own fields are checked on the value as written (a loose object's output would
  // have dropped keys such as __proto__ that the strict check must see and refuse).
  return v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, expected('a fault step object')),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const kind = v.safeParse(someFields({ kind: KIND }, 'a fault step object'), dataset.value, {
        abortEarly: true,
      });
      const result = kind.success
        ? v.safeParse(schemas[kind.output.kind], dataset.value, { abortEarly: true })
        : kind;
      if (result.success) return result.output;
      const issue = result.issues[0];
      addIssue({ message: issue.message, path: issue.path, input: issue.input });
      return NEVER;
    }),
  );
}

/** Timed steps, in time order (the order a run applies them). */
export function scheduleSchema(servers: number) {
  const step = fields({
    at: integer(0, MAX_VIRTUAL_MICROS, 'a time in microseconds, 0..600000000'),
    step: faultStepSchema(servers),
  });
  return v.pipe(
    list(step, 10_000, 'a list of timed steps'),
    v.checkItems(
      (item, index, items) => index === 0 || (items[index - 1]?.at ?? 0) <= item.at,
      expected('steps in time order'),
    ),
  );
}

// Every schema's output is a FaultStep, and every FaultStep kind has a schema (checked above by
// `satisfies`): the file format and the engine's type cannot drift apart.
type Schemas = ReturnType<typeof stepSchemas>;
type Parsed = { [K in keyof Schemas]: v.InferOutput<Schemas[K]> }[keyof Schemas];
const agrees: (step: Parsed) => FaultStep = (step) => step;
void agrees;
