import * as v from 'valibot';
import { COVERAGE_VERSION, FEATURE_END, FEATURE_STATE } from '../monitors/coverage.js';
import {
  expected,
  fields,
  FormatError,
  integer,
  list,
  parseJsonText,
  parseWith,
  someFields,
} from '../format/kit.js';
import type { FuzzConfig } from './config.js';
import { withoutMinorityTrial } from './minority-trial.js';
import { parseConfigValue } from './repro-schema.js';
import { unstampCampaign } from './run-seed.js';

/**
 * A seed corpus: what a guided campaign starts from, as fuzzers start from a corpus of inputs
 * kept from earlier campaigns. It holds the configurations that a campaign added to its corpus,
 * each with the features its run reached, and how many of that campaign's runs reached each
 * feature, so that a new campaign's energy knows from its first run which situations are rare.
 * Configurations are data: a campaign that starts from a corpus depends on its contents, never
 * on re-running them.
 */
export interface SeedCorpus {
  /** How many runs the campaign that saved it made: the runs its hit counts count. */
  readonly runs: number;
  /** Per feature, how many of those runs reached it. */
  readonly hits: ReadonlyMap<number, number>;
  readonly entries: readonly SeedEntry[];
}

export interface SeedEntry {
  /** The simulation seed the configuration reached its features under. */
  readonly seed: number;
  /** With no mutant, no monitors switched off and no checker budget: a campaign stamps its own. */
  readonly config: FuzzConfig;
  readonly features: readonly number[];
}

export const CORPUS_FORMAT = 'raftsim-corpus';
export const CORPUS_VERSION = 1;

/** The campaign's own settings, which a corpus entry must not carry into another campaign. */
function unstamped(config: FuzzConfig): FuzzConfig {
  return withoutMinorityTrial(unstampCampaign(config));
}

/** A corpus as the JSON text of its file (entries in the order the campaign added them). */
export function seedCorpusText(corpus: SeedCorpus): string {
  const hits = [...corpus.hits].sort((a, b) => a[0] - b[0]);
  const entries = corpus.entries.map((e) => ({
    seed: e.seed,
    config: unstamped(e.config),
    features: e.features,
  }));
  return `${JSON.stringify({
    format: CORPUS_FORMAT,
    version: CORPUS_VERSION,
    coverage: COVERAGE_VERSION,
    runs: corpus.runs,
    hits,
    entries,
  })}\n`;
}

const count = integer(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
const feature = integer(FEATURE_STATE, FEATURE_END - 1, 'a feature id');
/** Far more than campaigns reach (6,000 runs reach about 9,000 features and keep 2,240 entries). */
const MOST_FEATURES = 1_000_000;
const MOST_ENTRIES = 1_000_000;

const corpusSchema = someFields(
  {
    format: v.literal(CORPUS_FORMAT, expected(`"${CORPUS_FORMAT}"`)),
    version: v.literal(
      CORPUS_VERSION,
      expected(`version ${CORPUS_VERSION} (what this raftsim reads)`),
    ),
    coverage: v.literal(
      COVERAGE_VERSION,
      expected(
        `coverage ${COVERAGE_VERSION}, the features this raftsim records (a corpus of another raftsim's must be built again)`,
      ),
    ),
    runs: count,
    hits: list(v.tuple([feature, count]), MOST_FEATURES, 'a list of [feature, runs] pairs'),
    entries: list(
      fields({
        seed: count,
        config: v.unknown(),
        features: list(feature, MOST_FEATURES, 'a list of feature ids'),
      }),
      MOST_ENTRIES,
      'a list of corpus entries',
    ),
  },
  'a JSON object (a raftsim corpus)',
);

/** Parses and checks a corpus file's text; throws a FormatError naming the first bad field. */
export function parseSeedCorpus(text: string): SeedCorpus {
  const value = parseWith(corpusSchema, parseJsonText(text));
  const hits = new Map<number, number>();
  value.hits.forEach(([id, runs], i) => {
    if (hits.has(id)) throw new FormatError(`hits[${i}]`, `feature ${id} given twice`);
    if (runs > value.runs)
      throw new FormatError(`hits[${i}]`, `feature ${id} reached by ${runs} of ${value.runs} runs`);
    hits.set(id, runs);
  });
  const entries = value.entries.map((entry, i) => {
    const config = unstamped(parseConfigValue(entry.config, `entries[${i}].config`));
    for (const f of entry.features) {
      // An entry's features are among the runs counted, so each has a hit count of at least 1.
      if (!((hits.get(f) ?? 0) > 0))
        throw new FormatError(`entries[${i}].features`, `feature ${f} has no runs in hits`);
    }
    return { seed: entry.seed, config, features: entry.features };
  });
  return { runs: value.runs, hits, entries };
}
