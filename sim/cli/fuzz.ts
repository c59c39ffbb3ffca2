import { SingleBar } from 'cli-progress';
import { performance } from 'node:perf_hooks';
import { replayLine, UsageError } from './args.js';
import { writeSeedCorpus } from './corpus-file.js';
import { awaitPipeReaders } from './output.js';
import type { SeedOutcome } from '../fuzz/run-seed.js';
import { formatMicros, MICROS_PER_SECOND } from '../time.js';
import { runCoveredCampaign } from './coverage-campaign.js';
import { keepReport, keepUnknownReport, shrinkAndReplace, type Written } from './failure-report.js';
import { parseFuzzOptions, type FuzzOptions } from './fuzz-options.js';
import { finish, reportCrash, type Found } from './fuzz-summary.js';
import { usageErrorExitCode } from './exit-code.js';
import { EXIT_INTERRUPTED, Interrupt } from './interrupt.js';

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
    const searched = await search(options, interrupt);
    const found: Found = {
      ...searched,
      unknownRepros: keepUnknowns(options, searched.result.unknownRuns.slice(0, KEPT_UNKNOWNS)),
    };
    const failure = found.result.failure;
    if (!options.json) for (const crash of found.result.crashes) reportCrash(crash, options);
    if (failure === null) {
      const corpusKept = await keepCorpus(options, found);
      finish(options, found, null);
      // A crash is a finding even when its re-run held: the simulator must not crash.
      if (found.result.crashes.length > 0) return 1;
      // Asked for and not kept: no other outcome may pass for one that kept it.
      if (!corpusKept) return usageErrorExitCode();
      if (interrupt.interrupted) return EXIT_INTERRUPTED;
      // A run the checker could not decide is no pass: the campaign has no verdict for it.
      return found.result.unknownRuns.length > 0 ? EXIT_UNKNOWN : 0;
    }
    // Kept before shrinking starts: neither Ctrl-C nor a crash while shrinking loses it.
    const first = keepReport(failure, options.seed.mode, options.reportsDir);
    // Kept either way (a report, or its repro on stderr): from now on no stop hides it.
    interrupt.failureKept();
    await keepCorpus(options, found);
    if (first === null) {
      finish(options, found, null);
      return 1;
    }
    process.stderr.write(
      `seed ${failure.seed} failed (unshrunk repro kept): replay: ${replayLine(first.path)}\n`,
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

/**
 * Saves the guided corpus where `--save-corpus` asked, once the search is over (a failure's
 * report is written first: a corpus that cannot be written must not cost it). A place that
 * cannot take it is a line on stderr; false then, so that a campaign with no failure exits 2
 * rather than pass for one that kept what it was asked to.
 */
async function keepCorpus(
  options: FuzzOptions,
  found: Omit<Found, 'unknownRepros'>,
): Promise<boolean> {
  const saved = found.result.saved;
  if (options.saveCorpus === null || saved === null) return true;
  try {
    // A named pipe's reader may come late, as for run's and replay's outputs.
    await awaitPipeReaders([options.saveCorpus]);
    writeSeedCorpus(options.saveCorpus, saved());
    return true;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`raftsim: ${error.message}; the corpus was not saved\n`);
    return false;
  }
}

/** The exit code of a campaign with no failure but runs the checker could not decide. */
const EXIT_UNKNOWN = 3;

/** Runs that ended `unknown` kept as repros, at most this many per campaign. */
const KEPT_UNKNOWNS = 5;

/** Writes a repro for each kept unknown run and names it (on stderr; in the JSON summary). */
function keepUnknowns(options: FuzzOptions, unknownRuns: readonly SeedOutcome[]): Written[] {
  return unknownRuns.flatMap((outcome) => {
    const written = keepUnknownReport(outcome, options.seed.mode, options.reportsDir);
    if (written === null) return [];
    if (!options.json) {
      process.stderr.write(
        `seed ${outcome.seed} ended unknown (the checker ran out of budget): replay: ${replayLine(written.path)}\n`,
      );
    }
    return [written];
  });
}

/** The campaign's search phase: every seed unshrunk, with a progress bar on a terminal. */
async function search(
  options: FuzzOptions,
  interrupt: Interrupt,
): Promise<Omit<Found, 'unknownRepros'>> {
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
      seedCorpus: options.seedCorpus,
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
