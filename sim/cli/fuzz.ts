import { SingleBar } from 'cli-progress';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { describeFault } from '../nemesis.js';
import type { FuzzConfig } from '../fuzz/config.js';
import { reproOf } from '../fuzz/repro.js';
import { FUZZ_MODES } from '../fuzz/repro-schema.js';
import { writeFailureReport } from '../fuzz/report.js';
import {
  DEFAULT_SHRINK_BUDGET,
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
  parseServers,
  parseTime,
  parseWithout,
  UsageError,
} from './args.js';
import type { SeedCrash, Shard } from './campaign.js';
import { runCoveredCampaign, type CoveredCampaign } from './coverage-campaign.js';
import { coverageText, writeCoverageSvg } from './coverage-report.js';
import { EXIT_INTERRUPTED, Interrupt } from './interrupt.js';
import { checkOutputDir, printJson } from './output.js';
import { DEFAULT_SHRINK_SECONDS, shrinkSeed, type ShrinkResult } from './shrink.js';

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

interface FuzzOptions {
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
}

function parseFuzzOptions(argv: string[]): FuzzOptions {
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
    'shrink-budget': { type: 'string' },
    'shrink-time': { type: 'string' },
    'no-coverage': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  noPositionals('fuzz', positionals);
  const mode = parseMode(values.mode);
  if (values.runs !== undefined && values.time !== undefined)
    throw new UsageError('fuzz: give --runs or --time, not both');
  const servers = values.nodes === undefined ? undefined : parseServers(values.nodes, 5);
  const mutant = parseMutant(values.mutant);
  const without = parseWithout(values.without);
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
    },
  };
  // Last of all, once every flag is known good: the folder is made only for a valid command.
  return { ...options, reportsDir: checkOutputDir('reports', values.reports ?? 'reports') };
}

/** The campaign's search phase: every seed unshrunk, with a progress bar on a terminal. */
async function search(options: FuzzOptions, interrupt: Interrupt) {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const bar = !options.json && process.stderr.isTTY ? progressBar(options.runs) : null;
  let done = 0;
  let failures = 0;
  const result = await runCoveredCampaign(
    {
      baseSeed: options.baseSeed,
      runs: options.runs,
      timeUp: () => elapsed() * MICROS_PER_SECOND >= options.timeMicros,
      workers: options.workers,
      shard: options.shard,
      seed: options.seed,
      interrupted: () => interrupt.interrupted,
      onOutcome: (outcome) => {
        done++;
        if (outcome.failure !== null) failures++;
        bar?.update(done, { rate: (done / Math.max(elapsed(), 1e-3)).toFixed(1), failures });
      },
    },
    options.coverage,
  ).finally(() => bar?.stop());
  return { result, seconds: elapsed() };
}

/** A failure's report folder: written unshrunk first, then replaced by the shrunk failure. */
export interface Written {
  readonly id: string;
  readonly dir: string;
  readonly path: string;
  readonly verdict: string;
}

export function report(failure: SeedOutcome, mode: FuzzMode, reportsDir: string, id?: string) {
  const repro = reproOf(failure, mode);
  const dir = writeFailureReport(reportsDir, repro, id);
  const written: Written = {
    id: dir.slice(dir.lastIndexOf('/') + 1),
    dir,
    path: `${dir}/repro.json`,
    verdict: repro.verdict,
  };
  return written;
}

/** Shrinks with a progress line on a terminal; Ctrl-C abandons it, keeping the unshrunk repro. */
/**
 * Shrinks a failure whose unshrunk report `first` is already kept (unless Ctrl-C came first),
 * then replaces that report with the shrunk one, in the same folder.
 */
export async function shrinkAndReplace(
  failure: SeedOutcome,
  first: ReturnType<typeof report>,
  how: {
    readonly seed: SeedOptions;
    readonly reportsDir: string;
    readonly shrinkSeconds: number;
    readonly json: boolean;
    readonly interrupt: Interrupt;
  },
): Promise<{ shrunk: ShrinkResult | null; outcome: SeedOutcome; written: typeof first }> {
  const shrunk = how.interrupt.interrupted
    ? null
    : await shrinkWithProgress(
        failure.seed,
        how.seed,
        how.shrinkSeconds,
        how.interrupt,
        how.json,
        failure.config,
      );
  const outcome = shrunk?.outcome ?? null;
  const written =
    outcome === null ? first : report(outcome, how.seed.mode, how.reportsDir, first.id);
  return { shrunk, outcome: outcome ?? failure, written };
}

export async function shrinkWithProgress(
  seed: number,
  options: SeedOptions,
  limitSeconds: number,
  interrupt: Interrupt,
  quiet: boolean,
  config?: FuzzConfig,
): Promise<ShrinkResult> {
  const started = performance.now();
  const tty = !quiet && process.stderr.isTTY;
  let removeListener = (): void => undefined;
  // A guided failure's configuration is data: the shrink trims it rather than redraw the seed.
  const guided = options.mode === 'guided' ? config : undefined;
  const result = await shrinkSeed(
    seed,
    options,
    {
      limitSeconds,
      onStart: (abandon) => (removeListener = interrupt.on(abandon)),
      onProgress: ({ candidates, steps }) => {
        if (!tty) return;
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stderr.write(
          `\rshrinking seed ${seed}: ${candidates} candidates, ${steps} steps, ${seconds}/${limitSeconds} s\x1b[K`,
        );
      },
    },
    guided,
  ).finally(() => removeListener());
  if (tty) process.stderr.write('\r\x1b[K');
  return result;
}

/** `raftsim fuzz`: a campaign of generated runs; on a failure, a repro and a report, then shrunk. */
export async function fuzzCommand(argv: string[]): Promise<number> {
  const options = parseFuzzOptions(argv);
  const interrupt = new Interrupt();
  if (!options.json) {
    const until =
      options.runs === null ? `for ${formatMicros(options.timeMicros)}` : `${options.runs} runs`;
    process.stderr.write(
      `fuzz: ${until} from seed ${options.baseSeed} (${options.seed.mode} mode); Ctrl-C stops and prints the summary\n`,
    );
  }
  try {
    const found = await search(options, interrupt);
    const failure = found.result.failure;
    if (found.result.crash !== null && !options.json) reportCrash(found.result.crash);
    if (failure === null) {
      finish(options, found, null);
      if (found.result.crash !== null) return 1;
      return interrupt.interrupted ? EXIT_INTERRUPTED : 0;
    }
    // Kept before shrinking starts: neither Ctrl-C nor a crash while shrinking loses it.
    const first = report(failure, options.seed.mode, options.reportsDir);
    process.stderr.write(
      `seed ${failure.seed} failed (unshrunk repro kept): replay: npx raftsim replay ${first.path}\n`,
    );
    const { shrunk, outcome, written } = await shrinkAndReplace(failure, first, {
      seed: options.seed,
      reportsDir: options.reportsDir,
      shrinkSeconds: options.shrinkSeconds,
      json: options.json,
      interrupt,
    });
    finish(options, found, { outcome, shrink: shrunk, written });
    return 1;
  } finally {
    interrupt.dispose();
  }
}

interface Found {
  readonly result: CoveredCampaign;
  readonly seconds: number;
}

interface Kept {
  /** The shrunk failure, or the unshrunk one when shrinking was interrupted. */
  readonly outcome: SeedOutcome;
  readonly shrink: ShrinkResult | null;
  readonly written: Written;
}

function finish(options: FuzzOptions, found: Found, kept: Kept | null): void {
  const { result, seconds } = found;
  const shrinkSeconds = kept?.shrink?.seconds ?? 0;
  const summary = {
    runs: result.runs,
    failures: result.failure === null && result.crash === null ? 0 : 1,
    unknown: result.unknown,
    seconds,
    shrinkSeconds,
    runsPerSecond: result.runs / Math.max(seconds, 1e-9),
    mode: options.seed.mode,
    mutant: options.seed.mutant ?? null,
    baseSeed: options.baseSeed,
    shard: `${options.shard.index}/${options.shard.count}`,
    workers: options.workers,
    interrupted: result.interrupted || (kept !== null && (kept.shrink?.outcome ?? null) === null),
    ...(result.crash === null ? {} : { crash: crashSummary(result.crash) }),
    ...(kept === null
      ? {}
      : {
          repro: kept.written.path,
          failingSeed: kept.outcome.seed,
          verdict: kept.written.verdict,
          shrunk: (kept.shrink?.outcome ?? null) !== null,
          shrinkStoppedByClock: kept.shrink?.stoppedByClock ?? false,
        }),
  };
  const coverage = options.coverage ? result.tally.summary() : null;
  // The curve is a record of a finished campaign: Ctrl-C leaves the reports folder alone.
  const svg =
    coverage !== null && !result.interrupted
      ? writeCoverageSvg(options.reportsDir, options.seed.mode, options.baseSeed, coverage)
      : null;
  const extra = {
    ...(result.corpus === null ? {} : { corpus: result.corpus }),
    ...(coverage === null ? {} : { coverage }),
    ...(svg === null ? {} : { coverageSvg: svg }),
  };
  if (options.json) printJson({ ...summary, ...extra });
  else {
    printSummary(summary, kept);
    if (coverage !== null) process.stdout.write(coverageText(coverage));
    if (svg !== null) process.stdout.write(`curve: ${svg}\n`);
  }
}

/** A crash of the simulator on a seed, in plain data for --json. */
function crashSummary(crash: SeedCrash) {
  return {
    seed: crash.seed,
    cause: crash.cause,
    rerunVerdict: crash.rerun?.summary.verdict ?? null,
    error: crash.error,
  };
}

/** Says which seed crashed the simulator, and what the re-run on the main thread gave. */
function reportCrash(crash: SeedCrash): void {
  const lines = [`the simulator crashed on seed ${crash.seed}: ${crash.cause}`];
  if (crash.error !== null) lines.push(`re-run on the main thread threw:`, crash.error);
  else if (crash.rerun?.failure === null)
    lines.push(
      `re-run on the main thread: ${crash.rerun.summary.verdict} (the worker ran out of resources?)`,
      `replay: npx raftsim fuzz --runs 1 --seed ${crash.seed} --workers 0`,
    );
  else lines.push('re-run on the main thread: it fails; reporting it below');
  process.stderr.write(`${lines.join('\n')}\n`);
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
    shrinkSeconds: number;
    runsPerSecond: number;
    unknown: number;
    interrupted: boolean;
    mode: string;
    shard: string;
  },
  kept: Kept | null,
): void {
  const lines = [
    `${summary.interrupted ? 'interrupted: ' : ''}${summary.runs} runs (${summary.mode} mode, shard ${summary.shard}) in ${summary.seconds.toFixed(1)} s` +
      `${kept === null ? '' : ` + ${summary.shrinkSeconds.toFixed(1)} s shrinking`}, ` +
      `${summary.runsPerSecond.toFixed(1)} runs/s, ${kept === null ? 0 : 1} failures, ${summary.unknown} unknown`,
  ];
  if (kept !== null) lines.push(...failureLines(kept));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function failureLines(kept: Kept): string[] {
  const { outcome, shrink, written } = kept;
  const f = outcome.failure;
  if (f === null) return [];
  const v = f.summary.violation;
  const how =
    (shrink?.outcome ?? null) === null || shrink === null
      ? `not shrunk (interrupted): ${f.config.schedule.length} schedule steps`
      : `shrunk from ${outcome.config.schedule.length} to ${f.config.schedule.length} schedule steps ` +
        `(${f.fastCheck.shrinks} shrinks, then ${f.trimmedSteps} trimmed` +
        `${shrink.stoppedByClock ? '; stopped at the --shrink-time bound' : ''})`;
  return [
    `FAILED seed ${outcome.seed}: ${v !== null ? `${v.invariant} violated at event #${v.event} (${formatMicros(v.t)}): ${v.message}` : `liveness: ${f.summary.liveness}`}`,
    `${how}, ${f.config.servers} servers, profile ${f.config.profile}${f.config.delivery === 'labrpc' ? ', labrpc delivery' : ''}:`,
    ...f.config.schedule.map((s) => `  ${formatMicros(s.at)} ${describeFault(s.step)}`),
    `report: ${written.dir}/ (repro.json, trace.ndjson, history.json, timeline.html)`,
    `replay: npx raftsim replay ${written.path}`,
  ];
}
