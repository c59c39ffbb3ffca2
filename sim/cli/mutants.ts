import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMutantId, MUTANT_IDS, MUTANTS, type MutantId } from '../../raft/mutants.js';
import type { FuzzMode, SeedOptions, SeedOutcome } from '../fuzz/run-seed.js';
import { MICROS_PER_SECOND } from '../time.js';
import type { InvariantId } from '../monitors/view.js';
import {
  noPositionals,
  parseCount,
  parseFlags,
  parseSeed,
  parseTime,
  parseWithout,
  UsageError,
} from './args.js';
import { endingCrash, rerunOutcome, type SeedCrash } from './crash.js';
import type { SeedCorpus } from '../fuzz/seed-corpus.js';
import { loadCorpusFlag } from './corpus-file.js';
import { runCoveredCampaign } from './coverage-campaign.js';
import { keepReport, shrinkAndReplace } from './failure-report.js';
import { checkSeedRoom, parseMode, parseShrinkLimits } from './fuzz-options.js';
import { EXIT_INTERRUPTED, Interrupt } from './interrupt.js';
import { checkOutput, checkOutputDir, printJson, writeFileAtomic } from './output.js';
import {
  HEADER,
  printTotals,
  rowLine,
  summarize,
  type CorrectRaft,
  type Row,
} from './mutants-summary.js';

interface MutantsOptions {
  readonly budget: number;
  readonly only: MutantId[];
  readonly mode: FuzzMode;
  readonly baseSeed: number;
  readonly workers: number;
  readonly shrinkBudget: number;
  readonly shrinkSeconds: number;
  readonly reportsDir: string;
  readonly saveRepros: string | null;
  readonly json: boolean;
  /** White-box monitors turned off for every campaign (mutants and the correct Raft). */
  readonly without: InvariantId[];
  /** Minority trials for the seeds that take one (`--no-minority-trials` turns them off). */
  readonly minorityTrials: boolean;
  /** Guided mode: the corpus every campaign starts from (`--corpus`; the bundled one). */
  readonly seedCorpus: SeedCorpus | null;
}

function parseOnly(text: string | undefined): MutantId[] {
  if (text === undefined) return [...MUTANT_IDS];
  const ids = text.split(',').map((s) => s.trim());
  for (const id of ids)
    if (!isMutantId(id))
      throw new UsageError(`--only: unknown mutant "${id}" (known: ${MUTANT_IDS.join(', ')})`);
  return [...new Set(ids as MutantId[])]; // Z01,Z01 hunts Z01 once
}

function savedReproPath(dir: string, id: MutantId): string {
  return join(dir, `${id}.repro.json`);
}

function parseMutantsOptions(argv: string[]): MutantsOptions {
  const { values, positionals } = parseFlags('mutants', argv, {
    'time-per-mutant': { type: 'string' },
    only: { type: 'string' },
    mode: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    'shrink-budget': { type: 'string' },
    'shrink-time': { type: 'string' },
    'save-repros': { type: 'string' },
    reports: { type: 'string' },
    without: { type: 'string' },
    'no-minority-trials': { type: 'boolean' },
    corpus: { type: 'string' },
    json: { type: 'boolean' },
  });
  noPositionals('mutants', positionals);
  const mode = parseMode(values.mode);
  if (mode !== 'guided' && values.corpus !== undefined)
    throw new UsageError('mutants: --corpus is for --mode guided');
  const shrink = parseShrinkLimits(values);
  const options = {
    budget:
      parseTime('time-per-mutant', values['time-per-mutant'], 30 * MICROS_PER_SECOND) /
      MICROS_PER_SECOND,
    only: parseOnly(values.only),
    mode,
    baseSeed: parseSeed(values.seed, 1),
    workers: parseCount('workers', values.workers, 0, 0, 64),
    shrinkBudget: shrink.budget,
    shrinkSeconds: shrink.seconds,
    json: values.json === true,
    without: parseWithout(values.without) ?? [],
    minorityTrials: values['no-minority-trials'] !== true,
  };
  checkSeedRoom(options.baseSeed, { index: 1, count: 1 }, options.mode, null);
  const seedCorpus = mode === 'guided' ? loadCorpusFlag('mutants', values.corpus) : null;
  // Output folders last, once every flag is known good; both are checked before any hunt.
  const save = values['save-repros'];
  const saveRepros = save === undefined ? null : checkOutputDir('save-repros', save);
  // Each file it would save too: a folder in the way should not wait for the end of the hunts.
  if (saveRepros !== null)
    for (const id of options.only) checkOutput('save-repros', savedReproPath(saveRepros, id));
  return {
    ...options,
    seedCorpus,
    reportsDir: checkOutputDir('reports', values.reports ?? 'reports'),
    saveRepros,
  };
}

/**
 * `raftsim mutants`: the fuzzer against every built-in broken Raft, then the same total budget
 * on the correct one. Exit 1 if the correct Raft fails or crashes, or a mutant survives; Ctrl-C
 * prints the table so far (exit 130); else 3 if a run of the correct Raft ended unknown.
 */
export async function mutantsCommand(argv: string[]): Promise<number> {
  const options = parseMutantsOptions(argv);
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  const interrupt = new Interrupt();
  try {
    const rows: Row[] = [];
    say(HEADER);
    for (const name of options.only) {
      if (interrupt.interrupted) break;
      const row = await hunt(name, options, interrupt);
      rows.push(row);
      say(rowLine(row));
    }
    const notHunted = options.only.slice(rows.length);
    const correct = interrupt.interrupted ? null : await correctRaft(rows, options, interrupt);
    const summary = summarize(rows, correct, { interrupted: interrupt.interrupted, notHunted });
    if (options.json) printJson(summary);
    else printTotals(summary, say);
    if (correct !== null && (correct.failed || correct.crashed)) return 1;
    // The simulator must not crash, even where a re-run then held.
    if (rows.some((row) => row.crashes > 0)) return 1;
    if (interrupt.interrupted) return EXIT_INTERRUPTED;
    if (summary.caught < options.only.length) return 1;
    return correct !== null && correct.unknown > 0 ? 3 : 0;
  } finally {
    interrupt.dispose();
  }
}

/** The correct Raft, given the total time the mutants took (at least one mutant's budget). */
async function correctRaft(
  rows: readonly Row[],
  options: MutantsOptions,
  interrupt: Interrupt,
): Promise<CorrectRaft> {
  const budget = Math.max(
    options.budget,
    rows.reduce((sum, r) => sum + r.seconds, 0),
  );
  const seed = {
    mode: options.mode,
    shrink: false,
    without: options.without,
    minorityTrials: options.minorityTrials,
  };
  const { result, seconds } = await timedCampaign(seed, options, budget, interrupt);
  // A failure of the correct Raft is the one finding here that no table row holds: keep it.
  const kept =
    result.failure === null ? null : keepReport(result.failure, options.mode, options.reportsDir);
  if (result.failure !== null) interrupt.failureKept();
  for (const crash of result.crashes) warnCrash('correct Raft', crash);
  return {
    runs: result.runs,
    seconds,
    interrupted: result.interrupted,
    failed: result.failure !== null,
    crashed: result.crashes.length > 0,
    unknown: result.unknownRuns.length,
    repro: kept?.path ?? null,
  };
}

async function hunt(name: MutantId, options: MutantsOptions, interrupt: Interrupt): Promise<Row> {
  const seedOptions: SeedOptions = {
    mode: options.mode,
    shrink: false,
    mutant: name,
    without: options.without,
    shrinkBudget: options.shrinkBudget,
    minorityTrials: options.minorityTrials,
  };
  const { result, foundAt, seconds } = await timedCampaign(
    seedOptions,
    options,
    options.budget,
    interrupt,
  );
  const base = {
    name,
    description: MUTANTS[name],
    seeds: result.runs,
    crashes: result.crashes.length,
  };
  const failure = result.failure;
  for (const crash of result.crashes) warnCrash(name, crash);
  if (failure === null) {
    // A crash with no outcome ends the hunt early: say so, rather than that the mutant survived.
    const ended = endingCrash(result.crashes);
    return {
      ...base,
      caught: false,
      cutShort: result.interrupted && ended === null,
      check: ended === null ? null : 'crash',
      seconds: Math.min(options.budget, seconds),
      shrinkSeconds: null,
      shrunkSteps: null,
      shrinkCutShort: false,
      repro: null,
    };
  }
  const first = keepReport(failure, options.mode, options.reportsDir);
  if (first === null)
    return {
      ...base,
      ...caughtBy(failure),
      seconds: foundAt,
      shrinkSeconds: null,
      shrunkSteps: null,
      shrinkCutShort: false,
      repro: null,
    };
  const { shrunk, outcome, written } = await shrinkAndReplace(failure, first, {
    seed: seedOptions,
    reportsDir: options.reportsDir,
    shrinkSeconds: options.shrinkSeconds,
    json: options.json,
    interrupt,
  });
  if (options.saveRepros !== null)
    saveRepro(savedReproPath(options.saveRepros, name), written.path);
  // Shrunk or not: cut short by Ctrl-C, crashed, or its shrunk report not written.
  const done = shrunk !== null && shrunk.outcome !== null;
  return {
    ...base,
    ...caughtBy(outcome),
    seconds: foundAt,
    shrinkSeconds: done ? shrunk.seconds : null,
    shrunkSteps: done ? (outcome.failure?.config.schedule.length ?? null) : null,
    shrinkCutShort: !done && interrupt.interrupted && shrunk?.error === undefined,
    repro: written.path,
  };
}

/**
 * Copies a caught mutant's repro to `--save-repros`. A copy that cannot be written (a full disk)
 * is a line on stderr, and the table goes on: the repro is still in its report folder.
 */
export function saveRepro(path: string, reportRepro: string): void {
  let text: string;
  try {
    text = readFileSync(reportRepro, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    process.stderr.write(`raftsim: cannot read ${reportRepro} (${code}) to save it as ${path}\n`);
    return;
  }
  try {
    writeFileAtomic(path, [text]);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`raftsim: ${error.message}; the repro stays in ${reportRepro}\n`);
  }
}

/** A crash of the simulator on a seed, on stderr: the hunt it ended says `crash`. */
function warnCrash(name: string, crash: SeedCrash): void {
  process.stderr.write(
    `raftsim: ${name}: the simulator crashed on seed ${crash.seed} (${crash.cause}); ${rerunOutcome(crash)}\n`,
  );
}

/** A caught mutant's row: which check caught it. */
function caughtBy(outcome: SeedOutcome): {
  caught: true;
  cutShort: false;
  check: string | null;
} {
  const summary = outcome.failure?.summary;
  return {
    caught: true,
    cutShort: false,
    check: summary?.violation?.invariant ?? (summary?.liveness !== null ? 'liveness' : null),
  };
}

/**
 * A campaign limited by wall time; also says how long it ran and when (in seconds) a failing
 * seed was found (its whole length if none was).
 */
async function timedCampaign(
  seed: SeedOptions,
  options: MutantsOptions,
  budget: number,
  interrupt: Interrupt,
) {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let foundAt = 0;
  // Coverage only where it steers (guided mode); elsewhere it would only cost time.
  const result = await runCoveredCampaign(
    {
      baseSeed: options.baseSeed,
      runs: null,
      timeUp: () => elapsed() >= budget,
      workers: options.workers,
      shard: { index: 1, count: 1 },
      seed,
      seedCorpus: options.seedCorpus,
      interrupted: () => interrupt.interrupted,
      onOutcome: (outcome) => {
        if (outcome.failure !== null && foundAt === 0) foundAt = elapsed();
      },
    },
    false,
  );
  const seconds = elapsed();
  return { result, seconds, foundAt: result.failure === null ? seconds : foundAt };
}
