import { availableParallelism } from 'node:os';
import { FUZZ_MODES } from '../fuzz/repro-schema.js';
import { DEFAULT_SHRINK_BUDGET, type FuzzMode, type SeedOptions } from '../fuzz/run-seed.js';
import { MICROS_PER_SECOND } from '../time.js';
import {
  noPositionals,
  parseCount,
  parseFlags,
  parseMutant,
  parseSeed,
  parseServers,
  parseTime,
  parseWithout,
  UsageError,
} from './args.js';
import { seedRoom, type Shard } from './campaign.js';
import type { SeedCorpus } from '../fuzz/seed-corpus.js';
import { checkCorpusOutput, loadCorpusFlag } from './corpus-file.js';
import { coverageSvgPath } from './coverage-report.js';
import { checkOutputDir, type OutputTarget } from './output.js';
import { DEFAULT_SHRINK_SECONDS } from './shrink.js';

export function parseShard(text: string | undefined): Shard {
  if (text === undefined) return { index: 1, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count || count > 1e6) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n <= 1000000, got "${text}"`);
  }
  return { index, count };
}

export function parseMode(text: string | undefined): FuzzMode {
  if (text === undefined) return 'swarm';
  if (!(FUZZ_MODES as readonly string[]).includes(text)) {
    throw new UsageError(`--mode must be one of ${FUZZ_MODES.join(', ')}, got "${text}"`);
  }
  return text as FuzzMode;
}

/** `--shrink-budget` and `--shrink-time`, shared by fuzz and mutants. */
export function parseShrinkLimits(values: {
  'shrink-budget'?: string | undefined;
  'shrink-time'?: string | undefined;
}) {
  return {
    budget: parseCount('shrink-budget', values['shrink-budget'], DEFAULT_SHRINK_BUDGET, 0, 1e6),
    seconds:
      parseTime('shrink-time', values['shrink-time'], DEFAULT_SHRINK_SECONDS * MICROS_PER_SECOND, [
        24 * 3600 * MICROS_PER_SECOND,
        '24h',
      ]) / MICROS_PER_SECOND,
  };
}

export interface FuzzOptions {
  readonly runs: number | null;
  readonly timeMicros: number;
  readonly baseSeed: number;
  readonly workers: number;
  readonly shard: Shard;
  readonly reportsDir: string;
  readonly json: boolean;
  readonly seed: SeedOptions & { readonly mode: FuzzMode };
  readonly shrinkSeconds: number;
  /** Record coverage and print its report (always in guided mode, which steers by it). */
  readonly coverage: boolean;
  /** Guided mode: the corpus it starts from (`--corpus`; the bundled one by default). */
  readonly seedCorpus: SeedCorpus | null;
  /** `--corpus` as given, for the command lines that run a campaign again. */
  readonly corpusFlag: string | undefined;
  /** Guided mode: where its corpus is saved at the end (`--save-corpus`). */
  readonly saveCorpus: OutputTarget | null;
}

export function parseFuzzOptions(argv: string[]): FuzzOptions {
  const { values, positionals } = parseFlags('fuzz', argv, {
    runs: { type: 'string' },
    time: { type: 'string' },
    seed: { type: 'string' },
    nodes: { type: 'string' },
    mode: { type: 'string' },
    workers: { type: 'string' },
    shard: { type: 'string' },
    reports: { type: 'string' },
    mutant: { type: 'string' },
    without: { type: 'string' },
    'check-budget': { type: 'string' },
    'shrink-budget': { type: 'string' },
    'shrink-time': { type: 'string' },
    'no-coverage': { type: 'boolean' },
    'no-minority-trials': { type: 'boolean' },
    corpus: { type: 'string' },
    'save-corpus': { type: 'string' },
    json: { type: 'boolean' },
  });
  noPositionals('fuzz', positionals);
  const mode = parseMode(values.mode);
  if (mode !== 'guided' && (values.corpus ?? values['save-corpus']) !== undefined)
    throw new UsageError('fuzz: --corpus and --save-corpus are for --mode guided');
  if (values.runs !== undefined && values.time !== undefined)
    throw new UsageError('fuzz: give --runs or --time, not both');
  const servers = values.nodes === undefined ? undefined : parseServers(values.nodes, 5);
  const mutant = parseMutant(values.mutant);
  const without = parseWithout(values.without);
  const checkBudget = parseCheckBudget(values['check-budget']);
  const shrink = parseShrinkLimits(values);
  const options = {
    runs: values.time === undefined ? parseCount('runs', values.runs, 200) : null,
    timeMicros: parseTime('time', values.time, 60 * MICROS_PER_SECOND),
    baseSeed: parseSeed(values.seed, 1),
    // Results never depend on the worker count; by default use every core.
    workers: parseCount('workers', values.workers, availableParallelism(), 0, 64),
    shard: parseShard(values.shard),
    json: values.json === true,
    shrinkSeconds: shrink.seconds,
    coverage: values['no-coverage'] !== true || mode === 'guided',
    // Detect first (every seed unshrunk), then shrink only the lowest failing seed.
    seed: {
      mode,
      shrink: false,
      shrinkBudget: shrink.budget,
      ...(servers === undefined ? {} : { servers }),
      ...(mutant === undefined ? {} : { mutant }),
      ...(without === undefined ? {} : { without }),
      ...(checkBudget === undefined ? {} : { checkBudget }),
      ...(values['no-minority-trials'] === true ? { minorityTrials: false } : {}),
    },
  };
  checkSeedRoom(options.baseSeed, options.shard, mode, options.runs);
  const reports = values.reports ?? 'reports';
  const corpus = {
    seedCorpus: mode === 'guided' ? loadCorpusFlag('fuzz', values.corpus) : null,
    corpusFlag: values.corpus,
    saveCorpus: checkCorpusOutput(
      values['save-corpus'],
      coverageSvgPath(reports, mode, options.baseSeed),
    ),
  };
  // Last of all, once every flag is known good: the folder is made only for a valid command.
  return { ...options, ...corpus, reportsDir: checkOutputDir('reports', reports) };
}

/** `--check-budget`: absent leaves each run's checker at its default budget. */
function parseCheckBudget(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return parseCount('check-budget', text, 0, 1, Number.MAX_SAFE_INTEGER);
}

/** Runs a campaign limited by time must have room for: more than any could make. */
const TIMED_ROOM = 2 ** 32;

/**
 * Refuses a campaign whose seeds would pass 2^53 - 1: `--runs` beyond the room, or a campaign
 * limited by time (`--time`, `mutants`) with less than 2^32 runs of room, which it could
 * otherwise run out of and end early, as if its time were up.
 */
export function checkSeedRoom(
  baseSeed: number,
  shard: Shard,
  mode: FuzzMode,
  runs: number | null,
): void {
  const room = seedRoom(baseSeed, shard, mode === 'guided');
  if (room >= (runs ?? TIMED_ROOM)) return;
  const where = shard.count === 1 ? '' : ` in shard ${shard.index}/${shard.count}`;
  const asked =
    runs === null ? `a campaign limited by time needs ${TIMED_ROOM}` : `asked for ${runs}`;
  throw new UsageError(
    `--seed ${baseSeed} leaves room for ${room} ${mode} run${room === 1 ? '' : 's'}${where} ` +
      `before seeds pass ${Number.MAX_SAFE_INTEGER}; ${asked}`,
  );
}
