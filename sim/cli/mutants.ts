import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMutantId, MUTANT_IDS, MUTANTS, type MutantId } from '../../raft/mutants.js';
import { isFailure, type SeedOptions } from '../fuzz/run-seed.js';
import { MICROS_PER_SECOND } from '../time.js';
import { noPositionals, parseCount, parseFlags, parseSeed, parseTime, UsageError } from './args.js';
import { runCoveredCampaign } from './coverage-campaign.js';
import { parseMode, report, shrinkFailing } from './fuzz.js';
import { printJson } from './output.js';

export const MUTANTS_HELP =
  'raftsim mutants [--time-per-mutant 30s] [--only Z03,Z10] [--mode swarm|schedule|guided] [--seed N] [--workers N] [--save-repros dir] [--json]';

interface Row {
  readonly name: MutantId;
  readonly description: string;
  readonly caught: boolean;
  /** The invariant that caught it, or 'liveness'. */
  readonly check: string | null;
  /** Seeds run until the first failing one (inclusive). */
  readonly seeds: number;
  /** Wall seconds until the failing seed was found (before shrinking). */
  readonly seconds: number;
  readonly shrunkSteps: number | null;
  readonly repro: string | null;
}

function parseOnly(text: string | undefined): MutantId[] {
  if (text === undefined) return [...MUTANT_IDS];
  const ids = text.split(',').map((s) => s.trim());
  for (const id of ids)
    if (!isMutantId(id))
      throw new UsageError(`--only: unknown mutant "${id}" (known: ${MUTANT_IDS.join(', ')})`);
  return ids as MutantId[];
}

/**
 * `raftsim mutants`: the fuzzer against every built-in broken Raft, then the same total budget
 * on the correct one. Exit 1 if a mutant survives or the correct Raft fails.
 */
export async function mutantsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('mutants', argv, {
    'time-per-mutant': { type: 'string' },
    only: { type: 'string' },
    mode: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    'save-repros': { type: 'string' },
    reports: { type: 'string' },
    json: { type: 'boolean' },
  });
  noPositionals('mutants', positionals);
  const budget =
    parseTime('time-per-mutant', values['time-per-mutant'], 30 * MICROS_PER_SECOND) /
    MICROS_PER_SECOND;
  const only = parseOnly(values.only);
  const mode = parseMode(values.mode);
  const baseSeed = parseSeed(values.seed, 1);
  const workers = parseCount('workers', values.workers, 0, 0, 64);
  const reportsDir = values.reports ?? 'reports';
  const json = values.json === true;
  const say = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const rows: Row[] = [];
  let spent = 0;
  say('mutant  caught  check     seeds  seconds  shrunk  description');
  for (const name of only) {
    const row = await hunt(
      name,
      { mode, shrink: false, mutant: name },
      baseSeed,
      workers,
      budget,
      reportsDir,
      values['save-repros'],
    );
    spent += row.seconds;
    rows.push(row);
    say(
      `${row.name.padEnd(7)} ${(row.caught ? 'yes' : 'NO').padEnd(7)} ${(row.check ?? '-').padEnd(9)} ${String(row.seeds).padStart(5)} ${row.seconds.toFixed(1).padStart(8)} ${String(row.shrunkSteps ?? '-').padStart(7)}  ${row.description}`,
    );
  }
  // The correct Raft gets the same total budget the mutants used (at least one mutant's worth).
  const correctBudget = Math.max(budget, spent);
  const { result: correct } = await timedCampaign(
    { mode, shrink: false },
    baseSeed,
    workers,
    correctBudget,
  );
  const caught = rows.filter((r) => r.caught).length;
  const times = rows
    .filter((r) => r.caught)
    .map((r) => r.seconds)
    .sort((a, b) => a - b);
  const steps = rows
    .flatMap((r) => (r.shrunkSteps === null ? [] : [r.shrunkSteps]))
    .sort((a, b) => a - b);
  const summary = {
    mutants: rows,
    correct: {
      runs: correct.runs,
      failures: correct.failing === null ? 0 : 1,
      seconds: correctBudget,
    },
    caught,
    total: rows.length,
    medianSecondsToCatch: median(times),
    medianShrunkSteps: median(steps),
  };
  if (json) printJson(summary);
  else {
    say(
      `correct Raft: ${correct.runs} runs in ${correctBudget.toFixed(1)} s, ${summary.correct.failures} failures`,
    );
    say(
      `caught ${caught}/${rows.length}; median time to catch ${median(times)?.toFixed(2) ?? '-'} s; median shrunk schedule ${median(steps) ?? '-'} steps`,
    );
  }
  return caught === rows.length && correct.failing === null ? 0 : 1;
}

async function hunt(
  name: MutantId,
  seedOptions: SeedOptions,
  baseSeed: number,
  workers: number,
  budget: number,
  reportsDir: string,
  saveRepros: string | undefined,
): Promise<Row> {
  const { result, foundAt } = await timedCampaign(seedOptions, baseSeed, workers, budget);
  const base = { name, description: MUTANTS[name] };
  if (result.failing === null) {
    return {
      ...base,
      caught: false,
      check: null,
      seeds: result.runs,
      seconds: budget,
      shrunkSteps: null,
      repro: null,
    };
  }
  const shrunk = shrinkFailing(result.failing, seedOptions, true);
  const written = report(shrunk, seedOptions.mode, reportsDir);
  if (saveRepros !== undefined) {
    mkdirSync(saveRepros, { recursive: true });
    copyFileSync(written.path, join(saveRepros, `${name}.repro.json`));
  }
  const summary = shrunk.failure?.summary;
  return {
    ...base,
    caught: true,
    check: summary?.violation?.invariant ?? (summary?.liveness !== null ? 'liveness' : null),
    seeds: result.runs,
    seconds: foundAt,
    shrunkSteps: shrunk.failure?.config.schedule.length ?? null,
    repro: written.path,
  };
}

/** A campaign limited by wall time; also says when (in seconds) a failing seed was found. */
async function timedCampaign(seed: SeedOptions, baseSeed: number, workers: number, budget: number) {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let foundAt = 0;
  // Coverage only where it steers (guided mode): elsewhere it would only cost time.
  const result = await runCoveredCampaign(
    {
      baseSeed,
      runs: null,
      timeUp: () => elapsed() >= budget,
      workers,
      shard: { index: 1, count: 1 },
      seed,
      interrupted: () => false,
      onOutcome: (outcome) => {
        if (isFailure(outcome.summary.verdict) && foundAt === 0) foundAt = elapsed();
      },
    },
    false,
  );
  return { result, foundAt };
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const mid = values.length >> 1;
  return values.length % 2 === 1
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
}
