import { performance } from 'node:perf_hooks';
import type { FuzzConfig } from '../fuzz/config.js';
import { reproOf } from '../fuzz/repro.js';
import { writeFailureReport } from '../fuzz/report.js';
import type { FuzzMode, SeedOptions, SeedOutcome } from '../fuzz/run-seed.js';
import type { Interrupt } from './interrupt.js';
import { shrinkSeed, type ShrinkResult } from './shrink.js';
import { UsageError } from './args.js';
import { asUsageError } from './output.js';

/** A failure's report folder: written unshrunk first, then replaced by the shrunk failure. */
export interface Written {
  readonly id: string;
  readonly dir: string;
  readonly path: string;
  readonly verdict: string;
}

/**
 * Writes a failure's report folder (over folder `id`, written earlier by this process, when
 * given) and says where it is. A folder it cannot write is a one-line error naming the seed, so
 * that the failure can still be found again.
 */
export function report(failure: SeedOutcome, mode: FuzzMode, reportsDir: string, id?: string) {
  const repro = reproOf(failure, mode);
  const verdict = failure.summary.verdict;
  const seed = `${verdict === 'unknown' ? 'undecided' : 'failing'} seed ${failure.seed}`;
  const dir = asUsageError(`the report of ${seed} in ${reportsDir}`, () =>
    writeFailureReport(reportsDir, repro, id),
  );
  const written: Written = {
    id: dir.slice(dir.lastIndexOf('/') + 1),
    dir,
    path: `${dir}/repro.json`,
    verdict,
  };
  return written;
}

/**
 * Writes a failure's first report; if its folder cannot take it (a disk filled up during the
 * campaign), the failure is still not lost: the error and the repro itself, as one line of JSON
 * to save and replay, go to stderr, and the result is null.
 */
export function keepReport(failure: SeedOutcome, mode: FuzzMode, reportsDir: string) {
  try {
    return report(failure, mode, reportsDir);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    reproToStderr(`${error.message}; its repro`, failure, mode);
    return null;
  }
}

/** A repro that no file could take, as one line of JSON after the line that says so. */
function reproToStderr(what: string, outcome: SeedOutcome, mode: FuzzMode): void {
  const repro = JSON.stringify(reproOf(outcome, mode));
  process.stderr.write(
    `raftsim: ${what}, to save as a file and replay, is the next line\n${repro}\n`,
  );
}

/**
 * Keeps a run whose history the checker could not decide within its budget as a report like a
 * failure's (unshrunk: there is no failure to shrink toward), so that the run can be replayed
 * and its history checked again. A guided run's configuration is data, not a draw from its
 * seed: without the repro it could not be found again.
 */
export function reportUnknown(outcome: SeedOutcome, mode: FuzzMode, reportsDir: string) {
  return report(asKept(outcome), mode, reportsDir);
}

/** reportUnknown, but a folder that cannot take it puts the repro on stderr (keepReport). */
export function keepUnknownReport(outcome: SeedOutcome, mode: FuzzMode, reportsDir: string) {
  return keepReport(asKept(outcome), mode, reportsDir);
}

/** An unknown run in the shape of a failure, so that it is written as one (unshrunk). */
function asKept(outcome: SeedOutcome): SeedOutcome {
  const { seed, config, summary } = outcome;
  const failure = { config, summary, fastCheck: { seed, path: '', shrinks: 0 }, trimmedSteps: 0 };
  return { ...outcome, failure };
}

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
      ).catch((error: unknown) => shrinkCrashed(error, first));
  const outcome = shrunk?.outcome ?? null;
  const written = outcome === null ? first : replaceReport(outcome, first, how);
  if (shrunk !== null && outcome !== null && written === first) {
    // The shrunk failure is on stderr, not on disk: the summary describes what the file holds.
    const unwritten = { ...shrunk, outcome: null, error: 'its shrunk report could not be written' };
    return { shrunk: unwritten, outcome: failure, written };
  }
  return { shrunk, outcome: outcome ?? failure, written };
}

/**
 * Shrinking crashed (its worker died, or the seed no longer failed: nondeterminism). The failure
 * is kept as found, and the summary says why it is not shrunk; the error goes to stderr.
 */
function shrinkCrashed(error: unknown, first: Written): ShrinkResult {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `raftsim: shrinking crashed (${message.split('\n')[0] ?? ''}); the unshrunk repro stays: ${first.path}\n`,
  );
  return {
    outcome: null,
    stoppedByClock: false,
    seconds: 0,
    error: `shrinking crashed: ${message}`,
  };
}

/** The shrunk failure over its unshrunk report; if it cannot be written, the unshrunk one stays. */
function replaceReport(
  outcome: SeedOutcome,
  first: Written,
  how: { readonly seed: SeedOptions; readonly reportsDir: string },
): Written {
  try {
    return report(outcome, how.seed.mode, how.reportsDir, first.id);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const what = `${error.message}; the unshrunk repro stays: ${first.path}; the shrunk one`;
    reproToStderr(what, outcome, how.seed.mode);
    return first;
  }
}

/** Shrinks with a progress line on a terminal; Ctrl-C abandons it, keeping the unshrunk repro. */
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
