import * as v from 'valibot';
import { MUTANT_IDS } from '../../raft/mutants.js';
import { BACKUP_POLICIES } from '../../raft/options.js';
import { scheduleSchema } from '../format/faults.js';
import {
  expected,
  type DeepReadonly,
  fields,
  FormatError,
  integer,
  list,
  oneOf,
  parseJsonText,
  parseWith,
  shown,
  someFields,
  text,
} from '../format/kit.js';
import { INVARIANTS, WHITE_BOX } from '../monitors/view.js';
import { DELIVERY_RULES } from '../network.js';
import { PROFILE_NAMES } from '../profiles.js';
import { DEFAULT_WORKLOAD } from '../run/workload.js';
import { MAX_VIRTUAL_MICROS, MICROS_PER_SECOND } from '../time.js';
import { FAULT_KIND_NAMES } from './arbitraries.js';
import type { FuzzConfig } from './config.js';

/**
 * The one definition of a repro file (`raftsim replay`, `reports/<id>/repro.json`,
 * scenarios/mutants/): the parser, its error messages and the Repro type all come from it.
 * Every field is checked for meaning as well as type: node ids within the cluster, rates and
 * sizes within bounds that keep a run finite, and names that exist.
 */

export const REPRO_FORMAT = 'raftsim-repro';
export const REPRO_VERSION = 1;

/** Cluster sizes every command accepts, from flags and files alike. */
export const MIN_SERVERS = 3;
export const MAX_SERVERS = 7;
/** Workload bounds: enough for any test, small enough that a run stays bounded. */
export const MAX_CLERKS = 100;
export const MAX_KEYS = 1000;
export const MAX_THINK_MICROS = 10 * MICROS_PER_SECOND;
export const MAX_RAFT_STATE_BYTES = 64 * 1024 * 1024;
/** A service a second behind its Raft is already past any election timeout. */
export const MAX_APPLIER_LAG_MICROS = MICROS_PER_SECOND;

export const FUZZ_MODES = ['schedule', 'swarm', 'guided'] as const;
export const RUN_VERDICTS = ['ok', 'violation', 'liveness', 'unknown'] as const;

export const serversSchema = integer(
  MIN_SERVERS,
  MAX_SERVERS,
  `a cluster size in ${MIN_SERVERS}..${MAX_SERVERS}`,
);

const micros = (min: number, max: number, what: string) => integer(min, max, what);

const workloadSchema = v.pipe(
  fields({
    clerks: integer(1, MAX_CLERKS, `a clerk count in 1..${MAX_CLERKS}`),
    keys: integer(1, MAX_KEYS, `a key count in 1..${MAX_KEYS}`),
    getPerMille: v.optional(
      integer(0, 1000, 'a share of gets in 0..1000 per mille'),
      DEFAULT_WORKLOAD.getPerMille,
    ),
    // Absent in repros written before appends existed: puts only, as they ran.
    appendPerMille: v.exactOptional(integer(0, 1000, 'a share of appends in 0..1000 per mille')),
    strayPerMille: v.exactOptional(
      integer(0, 1000, 'a share of puts with a stray version in 0..1000 per mille'),
    ),
    blankPerMille: v.exactOptional(
      integer(0, 1000, 'a share of puts of the empty value in 0..1000 per mille'),
    ),
    thinkMinMicros: v.optional(
      micros(0, MAX_THINK_MICROS, `a think time in 0..${MAX_THINK_MICROS} µs`),
      DEFAULT_WORKLOAD.thinkMinMicros,
    ),
    thinkMaxMicros: v.optional(
      micros(0, MAX_THINK_MICROS, `a think time in 0..${MAX_THINK_MICROS} µs`),
      DEFAULT_WORKLOAD.thinkMaxMicros,
    ),
  }),
  v.forward(
    v.check(
      (w) => w.thinkMinMicros <= w.thinkMaxMicros,
      (issue) =>
        `expected a think time no shorter than thinkMinMicros (${String((issue.input as { thinkMinMicros: number }).thinkMinMicros)}), got ${String((issue.input as { thinkMaxMicros: number }).thinkMaxMicros)}`,
    ),
    ['thinkMaxMicros'],
  ),
);

const raftSchema = fields({
  maxEntriesPerAppend: v.exactOptional(integer(1, 100_000)),
  backup: v.exactOptional(oneOf(BACKUP_POLICIES, 'a backup policy')),
});

function configSchema(servers: number) {
  const node = integer(0, servers - 1, `a node id in 0..${servers - 1}`);
  return fields({
    servers: serversSchema,
    profile: oneOf(PROFILE_NAMES, 'a profile'),
    schedule: scheduleSchema(servers),
    safetyMicros: micros(1, MAX_VIRTUAL_MICROS, `a duration in 1..${MAX_VIRTUAL_MICROS} µs`),
    workload: workloadSchema,
    maxRaftStateBytes: v.optional(integer(0, MAX_RAFT_STATE_BYTES), 0),
    applierLagMicros: v.exactOptional(
      micros(1, MAX_APPLIER_LAG_MICROS, `a lag in 1..${MAX_APPLIER_LAG_MICROS} µs`),
    ),
    raft: v.exactOptional(raftSchema),
    mutant: v.exactOptional(oneOf(MUTANT_IDS, 'a mutant')),
    delivery: v.exactOptional(oneOf(DELIVERY_RULES, 'a delivery rule')),
    minorityTrial: v.exactOptional(v.boolean(expected('true or false'))),
    checkBudget: v.exactOptional(integer(1, Number.MAX_SAFE_INTEGER, 'a checker budget >= 1')),
    without: v.exactOptional(
      list(oneOf(WHITE_BOX, 'a white-box monitor'), 16, 'a list of white-box monitors'),
    ),
    swarm: v.exactOptional(
      fields({
        kinds: list(oneOf(FAULT_KIND_NAMES, 'a fault kind'), 64, 'a list of fault kinds'),
        meanGapMicros: micros(1, MAX_VIRTUAL_MICROS, 'a positive time in µs'),
        focus: v.exactOptional(list(node, servers, 'a list of node ids')),
      }),
    ),
  });
}

const violationSchema = fields({
  invariant: oneOf(Object.keys(INVARIANTS) as (keyof typeof INVARIANTS)[], 'an invariant'),
  event: integer(0, Number.MAX_SAFE_INTEGER, 'an event index'),
  t: integer(0, Number.MAX_SAFE_INTEGER, 'a time in µs'),
  nodes: list(integer(0, 1_000_000, 'a node id'), 1000, 'a list of node ids'),
  message: text(),
});

function reproSchema(servers: number) {
  const count = integer(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
  // Unknown top-level fields are allowed (a note on why the file was kept, say); inside the
  // configuration every field has a meaning, so a misspelt one is an error.
  return someFields(
    {
      format: v.literal(REPRO_FORMAT, expected(`"${REPRO_FORMAT}"`)),
      version: v.literal(
        REPRO_VERSION,
        expected(`version ${REPRO_VERSION} (what this raftsim reads)`),
      ),
      seed: integer(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer seed'),
      config: configSchema(servers),
      traceHash: v.pipe(text(), v.regex(/^[0-9a-f]{0,64}$/, expected('a hexadecimal trace hash'))),
      // What the fuzzer recorded about the failure; a hand-written repro may leave it out.
      mode: v.optional(oneOf(FUZZ_MODES, 'a fuzz mode'), 'schedule'),
      verdict: v.optional(oneOf(RUN_VERDICTS, 'a verdict')),
      violation: v.optional(v.nullable(violationSchema), null),
      liveness: v.optional(v.nullable(text('a string or null')), null),
      fastCheck: v.optional(
        fields({
          // fast-check takes any integer as its seed (it keeps the low 32 bits).
          seed: integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'an integer seed'),
          path: text(),
          shrinks: count,
        }),
        { seed: 0, path: '', shrinks: 0 },
      ),
      trimmedSteps: v.optional(count, 0),
      originalSteps: v.optional(count, 0),
    },
    'a JSON object',
  );
}

/** Everything needed to re-run a failure exactly, and what it gave when it was recorded. */
export type Repro = DeepReadonly<v.InferOutput<ReturnType<typeof reproSchema>>>;

/** Reads the cluster size first: node ids in the rest of the file are checked against it. */
const sizeOnly = someFields(
  {
    format: v.literal(REPRO_FORMAT, expected(`"${REPRO_FORMAT}"`)),
    version: v.literal(
      REPRO_VERSION,
      expected(`version ${REPRO_VERSION} (what this raftsim reads)`),
    ),
    config: someFields({ servers: serversSchema }),
  },
  'a JSON object',
);

/** Reads a configuration's cluster size first, as sizeOnly does for a whole repro. */
const configSize = someFields({ servers: serversSchema }, 'a configuration');

/**
 * Checks one configuration held in another file (a seed corpus's entry): the same rules as a
 * repro's `config`, its errors' paths starting at `path`.
 */
export function parseConfigValue(value: unknown, path: string): FuzzConfig {
  try {
    const { servers } = parseWith(configSize, value);
    return parseWith(configSchema(servers), value);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    throw new FormatError(error.path === '' ? path : `${path}.${error.path}`, error.expected);
  }
}

/** Parses and checks a repro file's text; throws a FormatError naming the first bad field. */
export function parseReproText(source: string): Repro {
  const value = parseJsonText(source);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FormatError('', `expected a JSON object (a raftsim repro), got ${shown(value)}`);
  const { servers } = parseWith(sizeOnly, value).config;
  return parseWith(reproSchema(servers), value);
}
