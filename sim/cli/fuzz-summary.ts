import { describeFault } from '../nemesis.js';
import { printable, replayLine, shellWord, UsageError } from './args.js';
import { isFailure, type RunSummary, type SeedOutcome } from '../fuzz/run-seed.js';
import { formatMicros } from '../time.js';
import { endingCrash, rerunOutcome, type SeedCrash } from './crash.js';
import type { CoveredCampaign } from './coverage-campaign.js';
import { coverageText, writeCoverageSvg } from './coverage-report.js';
import type { Written } from './failure-report.js';
import type { FuzzOptions } from './fuzz-options.js';
import { printJson } from './output.js';
import type { ShrinkResult } from './shrink.js';

/** What the search phase found, and how long it took. */
export interface Found {
  readonly result: CoveredCampaign;
  readonly seconds: number;
  /** The repros written for the first runs that ended unknown. */
  readonly unknownRepros: readonly Written[];
}

/** The failure the campaign kept, once shrunk (or not) and written. */
export interface Kept {
  /** The shrunk failure, or the unshrunk one when shrinking was interrupted. */
  readonly outcome: SeedOutcome;
  readonly shrink: ShrinkResult | null;
  readonly written: Written;
}

/** The campaign's summary: JSON with --json, else text; with coverage, its report and curve. */
export function finish(options: FuzzOptions, found: Found, kept: Kept | null): void {
  const { result, seconds } = found;
  const shrinkSeconds = kept?.shrink?.seconds ?? 0;
  const summary = {
    runs: result.runs,
    failures: (result.failure === null ? 0 : 1) + (endingCrash(result.crashes) === null ? 0 : 1),
    crashes: result.crashes.map((crash) => crashSummary(crash, options)),
    unknown: result.unknownRuns.length,
    unknownRepros: found.unknownRepros.map((written) => written.path),
    seconds,
    shrinkSeconds,
    runsPerSecond: result.runs / Math.max(seconds, 1e-9),
    mode: options.seed.mode,
    mutant: options.seed.mutant ?? null,
    baseSeed: options.baseSeed,
    shard: `${options.shard.index}/${options.shard.count}`,
    workers: options.workers,
    interrupted:
      result.interrupted ||
      (kept !== null &&
        (kept.shrink?.outcome ?? null) === null &&
        kept.shrink?.error === undefined),
    ...(kept?.shrink?.error === undefined ? {} : { shrinkError: kept.shrink.error }),
    ...(kept === null
      ? // A failure whose report could not be written: its seed, at least (the repro is on stderr).
        result.failure === null
        ? {}
        : { failingSeed: result.failure.seed, verdict: result.failure.summary.verdict }
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
      ? keepCurve(() =>
          writeCoverageSvg(options.reportsDir, options.seed.mode, options.baseSeed, coverage),
        )
      : null;
  const extra = {
    ...(result.corpus === null
      ? {}
      : {
          corpus: result.corpus,
          seeded: result.seeded?.kept ?? 0,
          seedCorpus: result.seeded?.of ?? 0,
        }),
    ...(coverage === null ? {} : { coverage }),
    ...(svg === null ? {} : { coverageSvg: svg }),
  };
  if (options.json) printJson({ ...summary, ...extra });
  else {
    printSummary(summary, kept, result.failure);
    if (result.corpus !== null) process.stdout.write(corpusLine(result.corpus, result.seeded));
    if (coverage !== null) process.stdout.write(coverageText(coverage));
    if (svg !== null) process.stdout.write(`curve: ${printable(svg)}\n`);
  }
}

/** Guided mode's corpus at the end, and how much of it the seed corpus gave. */
function corpusLine(entries: number, seeded: { kept: number; of: number } | null): string {
  const of = seeded?.of ?? 0;
  const kept = seeded?.kept ?? 0;
  let from = 'no seed corpus';
  if (of > 0)
    from =
      kept === of
        ? `${kept} from the seed corpus`
        : `${kept} of the seed corpus's ${of}, those of its cluster size`;
  return `corpus: ${entries} entries (${from})\n`;
}

/**
 * Writes the coverage curve; a place that cannot take it (a disk filled up during the campaign)
 * is a line on stderr, not the end of the summary, which may report a failure.
 */
function keepCurve(write: () => string): string | null {
  try {
    return write();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`raftsim: ${error.message}; the summary follows without the curve\n`);
    return null;
  }
}

/** A crash of the simulator on a seed, in plain data for --json. */
function crashSummary(crash: SeedCrash, options: FuzzOptions) {
  return {
    seed: crash.seed,
    cause: crash.cause,
    reran: crash.reran,
    rerunVerdict: crash.rerunVerdict,
    error: crash.error,
    ...(crash.guided === undefined
      ? {}
      : { runIndex: crash.guided.index, config: crash.guided.config }),
    replay: crashReplay(crash, options),
  };
}

/** Says which seed crashed the simulator, what its re-run gave, and how to run it again. */
export function reportCrash(crash: SeedCrash, options: FuzzOptions): void {
  const lines = [
    crash.reran
      ? `the simulator crashed on seed ${crash.seed}: ${crash.cause}`
      : `the simulator threw on seed ${crash.seed} (main thread, not re-run): ${crash.cause}`,
  ];
  if (crash.reran) lines.push(`${rerunOutcome(crash)}; ${whatFollowed(crash)}`);
  if (crash.error !== null) lines.push(crash.error);
  lines.push(`replay: ${crashReplay(crash, options)}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** What a re-run's result made of the campaign. */
function whatFollowed(crash: SeedCrash): string {
  if (crash.rerunVerdict === null) return 'the campaign ended here';
  if (isFailure(crash.rerunVerdict)) return "reported as the campaign's failure";
  return 'the first worker ran out of resources? the campaign went on';
}

/**
 * The command that runs a crashed seed again on the main thread, as the campaign ran it: a
 * swarm or schedule seed alone; a guided run, the campaign up to it (its configuration comes
 * from the corpus that the earlier runs built).
 */
function crashReplay(crash: SeedCrash, options: FuzzOptions): string {
  const run =
    crash.guided === undefined
      ? `--runs 1 --seed ${crash.seed}`
      : `--runs ${crash.guided.index + 1} --seed ${options.baseSeed} --shard ${options.shard.index}/${options.shard.count}`;
  return `npx raftsim fuzz ${run} --workers 0${sameRunFlags(options)}`;
}

/** The flags that make `fuzz --runs 1 --seed N` run seed N as this campaign ran it. */
function sameRunFlags(options: FuzzOptions): string {
  const seed = options.seed;
  return [
    ` --mode ${seed.mode}`,
    seed.servers === undefined ? '' : ` --nodes ${seed.servers}`,
    seed.mutant === undefined ? '' : ` --mutant ${seed.mutant}`,
    seed.without === undefined ? '' : ` --without ${seed.without.join(',')}`,
    seed.minorityTrials === false ? ' --no-minority-trials' : '',
    seed.checkBudget === undefined ? '' : ` --check-budget ${seed.checkBudget}`,
    options.corpusFlag === undefined ? '' : ` --corpus ${shellWord(options.corpusFlag)}`,
  ].join('');
}

function printSummary(
  summary: {
    runs: number;
    seconds: number;
    shrinkSeconds: number;
    runsPerSecond: number;
    failures: number;
    unknown: number;
    crashes: readonly unknown[];
    interrupted: boolean;
    mode: string;
    shard: string;
  },
  kept: Kept | null,
  /** The campaign's failure: described from `kept` when its report was written. */
  failure: SeedOutcome | null,
): void {
  const lines = [
    `${summary.interrupted ? 'interrupted: ' : ''}${summary.runs} runs (${summary.mode} mode, shard ${summary.shard}) in ${summary.seconds.toFixed(1)} s` +
      `${kept === null ? '' : ` + ${summary.shrinkSeconds.toFixed(1)} s shrinking`}, ` +
      `${summary.runsPerSecond.toFixed(1)} runs/s, ${summary.failures} failures, ${summary.unknown} unknown` +
      `${summary.crashes.length === 0 ? '' : `, ${summary.crashes.length} crashes (above on stderr)`}`,
  ];
  if (kept !== null) lines.push(...failureLines(kept));
  else if (failure !== null) lines.push(...unkeptFailureLines(failure));
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What failed, in one line. */
function failedLine(seed: number, summary: RunSummary): string {
  const v = summary.violation;
  const what =
    v !== null
      ? `${v.invariant} violated at event #${v.event} (${formatMicros(v.t)}): ${v.message}`
      : `liveness: ${summary.liveness}`;
  return `FAILED seed ${seed}: ${what}`;
}

/**
 * A failure whose report folder could not be written (keepReport put its repro on stderr): the
 * summary still says what failed, and where its repro went.
 */
export function unkeptFailureLines(outcome: SeedOutcome): string[] {
  if (outcome.failure === null) return [];
  return [
    failedLine(outcome.seed, outcome.failure.summary),
    'no report: its folder could not be written; the repro is the JSON line on stderr (not shrunk)',
  ];
}

function failureLines(kept: Kept): string[] {
  const { outcome, shrink, written } = kept;
  const f = outcome.failure;
  if (f === null) return [];
  const how =
    (shrink?.outcome ?? null) === null || shrink === null
      ? `not shrunk (${shrink?.error?.split('\n')[0] ?? 'interrupted'}): ${f.config.schedule.length} schedule steps`
      : `shrunk from ${outcome.config.schedule.length} to ${f.config.schedule.length} schedule steps ` +
        `(${f.fastCheck.shrinks} shrinks, then ${f.trimmedSteps} trimmed` +
        `${shrink.stoppedByClock ? '; stopped at the --shrink-time bound' : ''})`;
  return [
    failedLine(outcome.seed, f.summary),
    `${how}, ${f.config.servers} servers, profile ${f.config.profile}${f.config.delivery === 'labrpc' ? ', labrpc delivery' : ''}${f.config.minorityTrial === true ? ', minority trial' : ''}:`,
    ...f.config.schedule.map((s) => `  ${formatMicros(s.at)} ${describeFault(s.step)}`),
    `report: ${printable(written.dir)}/ (repro.json, trace.ndjson, history.json, timeline.html)`,
    `replay: ${replayLine(written.path)}`,
  ];
}
