import { SingleBar } from 'cli-progress';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { describeFault } from '../nemesis.js';
import type { FuzzConfig } from '../fuzz/config.js';
import { shrinkGuided } from '../fuzz/guided.js';
import { reproOf } from '../fuzz/repro.js';
import { writeFailureReport } from '../fuzz/report.js';
import {
  DEFAULT_SHRINK_BUDGET,
  FUZZ_MODES,
  fuzzSeed,
  isFailure,
  type FuzzMode,
  type SeedOptions,
  type SeedOutcome,
} from '../fuzz/run-seed.js';
import { formatMicros, MICROS_PER_SECOND } from '../time.js';
import {
  noPositionals,
  parseCount,
  parseFlags,
  parseMutant,
  parseSeed,
  parseTime,
  UsageError,
} from './args.js';
import type { Shard } from './campaign.js';
import { runCoveredCampaign } from './coverage-campaign.js';
import { coverageText, writeCoverageSvg } from './coverage-report.js';
import { printJson } from './output.js';

export const FUZZ_HELP =
  'raftsim fuzz [--runs N | --time 60s] [--seed N] [--nodes 3|5|7] [--mode schedule|swarm|guided] [--workers N] [--shard i/n] [--mutant Z10] [--shrink-budget 300] [--reports dir] [--no-coverage] [--json]';

export function parseShard(text: string | undefined): Shard {
  if (text === undefined) return { index: 1, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n, got "${text}"`);
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

/** `raftsim fuzz`: a campaign of generated runs; on a failure, a shrunk repro and a report. */
export async function fuzzCommand(argv: string[]): Promise<number> {
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
    'shrink-budget': { type: 'string' },
    'no-coverage': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  noPositionals('fuzz', positionals);
  if (values.runs !== undefined && values.time !== undefined)
    throw new UsageError('fuzz: give --runs or --time, not both');
  const runs = values.time === undefined ? parseCount('runs', values.runs, 200) : null;
  const timeMicros = parseTime('time', values.time, 60 * MICROS_PER_SECOND);
  const baseSeed = parseSeed(values.seed, 1);
  const servers =
    values.nodes === undefined ? undefined : parseCount('nodes', values.nodes, 5, 3, 7);
  const mode = parseMode(values.mode);
  // Results never depend on the worker count; by default use every core.
  const workers = parseCount('workers', values.workers, availableParallelism(), 0, 64);
  const shard = parseShard(values.shard);
  const reportsDir = values.reports ?? 'reports';
  const mutant = parseMutant(values.mutant);
  const json = values.json === true;
  // Guided mode steers by coverage, so it always records it.
  const coverage = values['no-coverage'] !== true || mode === 'guided';

  // Detect first (every seed unshrunk), then shrink only the lowest failing seed.
  const shrinkBudget = parseCount(
    'shrink-budget',
    values['shrink-budget'],
    DEFAULT_SHRINK_BUDGET,
    0,
    1e6,
  );
  const seedOptions: SeedOptions = {
    mode,
    shrink: false,
    shrinkBudget,
    ...(servers === undefined ? {} : { servers }),
    ...(mutant === undefined ? {} : { mutant }),
  };
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  process.on('SIGINT', onInterrupt);
  const bar = !json && process.stderr.isTTY ? progressBar(runs) : null;
  let done = 0;
  let failures = 0;
  const result = await runCoveredCampaign(
    {
      baseSeed,
      runs,
      timeUp: () => elapsed() * MICROS_PER_SECOND >= timeMicros,
      workers,
      shard,
      seed: seedOptions,
      interrupted: () => interrupted,
      onOutcome: (outcome) => {
        done++;
        if (isFailure(outcome.summary.verdict)) failures++;
        bar?.update(done, { rate: (done / Math.max(elapsed(), 1e-3)).toFixed(1), failures });
      },
    },
    coverage,
  ).finally(() => {
    bar?.stop();
    process.off('SIGINT', onInterrupt);
  });
  const seconds = elapsed();
  const shrunk = result.failing === null ? null : shrinkFailing(result.failing, seedOptions, json);
  const repro = shrunk === null ? null : report(shrunk, mode, reportsDir);
  const summary = {
    runs: result.runs,
    failures: result.failing === null ? 0 : 1,
    unknown: result.unknown,
    seconds,
    runsPerSecond: result.runs / Math.max(seconds, 1e-9),
    mode,
    mutant: mutant ?? null,
    baseSeed,
    shard: `${shard.index}/${shard.count}`,
    workers,
    interrupted: result.interrupted,
    ...(repro === null
      ? {}
      : { repro: repro.path, failingSeed: result.failing?.seed, verdict: repro.verdict }),
    ...(result.corpus === null ? {} : { corpus: result.corpus }),
    ...(coverage ? { coverage: result.tally.summary() } : {}),
  };
  // The curve is a record of a finished campaign: Ctrl-C leaves the reports folder alone.
  const svg =
    coverage && !result.interrupted
      ? writeCoverageSvg(reportsDir, mode, baseSeed, result.tally.summary())
      : null;
  if (json) printJson(svg === null ? summary : { ...summary, coverageSvg: svg });
  else {
    printSummary(summary, shrunk, repro);
    if (coverage) process.stdout.write(coverageText(result.tally.summary()));
    if (svg !== null) process.stdout.write(`curve: ${svg}\n`);
  }
  return result.failing !== null ? 1 : 0;
}

/**
 * Shrinks a campaign's failing run. Swarm and schedule seeds re-run with shrinking on (the seed
 * alone reproduces the configuration); a guided run's configuration is data, trimmed as such.
 */
export function shrinkFailing(
  failing: { readonly seed: number; readonly config: FuzzConfig },
  options: SeedOptions,
  quiet: boolean,
): SeedOutcome {
  if (options.mode !== 'guided') return shrinkSeed(failing.seed, options, quiet);
  if (!quiet) process.stderr.write(`seed ${failing.seed} failed; shrinking...\n`);
  return shrinkGuided(failing, options.shrinkBudget);
}

/** Re-runs a failing seed with shrinking on: fast-check reaches the same failure, then shrinks it. */
export function shrinkSeed(seed: number, options: SeedOptions, quiet: boolean): SeedOutcome {
  if (!quiet) process.stderr.write(`seed ${seed} failed; shrinking...\n`);
  const outcome = fuzzSeed(seed, { ...options, shrink: true });
  if (outcome.failure === null)
    throw new Error(`seed ${seed} failed, then passed when re-run: nondeterminism`);
  return outcome;
}

export function report(failure: SeedOutcome, mode: FuzzMode, reportsDir: string) {
  const repro = reproOf(failure, mode);
  const dir = writeFailureReport(reportsDir, repro);
  return { path: `${dir}/repro.json`, dir, verdict: repro.verdict, repro };
}

function progressBar(runs: number | null): SingleBar {
  const bar = new SingleBar({
    format:
      runs === null
        ? 'fuzz {value} runs | {rate} runs/s | {failures} failures'
        : 'fuzz [{bar}] {value}/{total} runs | {rate} runs/s | {failures} failures',
    hideCursor: true,
    stream: process.stderr,
  });
  bar.start(runs ?? 0, 0, { rate: '0', failures: 0 });
  return bar;
}

function printSummary(
  summary: {
    runs: number;
    seconds: number;
    runsPerSecond: number;
    unknown: number;
    interrupted: boolean;
    mode: string;
    shard: string;
  },
  failure: SeedOutcome | null,
  repro: ReturnType<typeof report> | null,
): void {
  const lines = [
    `${summary.interrupted ? 'interrupted: ' : ''}${summary.runs} runs (${summary.mode} mode, shard ${summary.shard}) in ${summary.seconds.toFixed(1)} s, ` +
      `${summary.runsPerSecond.toFixed(1)} runs/s, ${failure === null ? 0 : 1} failures, ${summary.unknown} unknown`,
  ];
  if (failure !== null && failure.failure !== null && repro !== null) {
    const f = failure.failure;
    const v = f.summary.violation;
    lines.push(
      `FAILED seed ${failure.seed}: ${v !== null ? `${v.invariant} violated at event #${v.event} (${formatMicros(v.t)}): ${v.message}` : `liveness: ${f.summary.liveness}`}`,
      `shrunk from ${failure.config.schedule.length} to ${f.config.schedule.length} schedule steps (${f.fastCheck.shrinks} shrinks, then ${f.trimmedSteps} trimmed), ${f.config.servers} servers, profile ${f.config.profile}:`,
      ...f.config.schedule.map((s) => `  ${formatMicros(s.at)} ${describeFault(s.step)}`),
      `report: ${repro.dir}/ (repro.json, trace.ndjson, history.json, timeline.html)`,
      `replay: npx raftsim replay ${repro.path}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
