import type { MutantId } from '../../raft/mutants.js';
import { replayLine } from './args.js';

/** One mutant's hunt, as `raftsim mutants` prints it and --json gives it. */
export interface Row {
  readonly name: MutantId;
  readonly description: string;
  readonly caught: boolean;
  /** Ctrl-C ended this hunt before it caught the mutant: not a survivor, just not finished. */
  readonly cutShort: boolean;
  /** The invariant that caught it, or 'liveness'. */
  readonly check: string | null;
  /** Seeds run until the first failing one (inclusive). */
  readonly seeds: number;
  /** Wall seconds until the failing seed was found (before shrinking). */
  readonly seconds: number;
  /** Wall seconds spent shrinking it, and the steps left: null when it was not shrunk. */
  readonly shrinkSeconds: number | null;
  readonly shrunkSteps: number | null;
  /** Ctrl-C came while the caught mutant's failure shrank: its repro is the unshrunk one. */
  readonly shrinkCutShort: boolean;
  readonly repro: string | null;
  /** Runs of the hunt that crashed the simulator (each named on stderr); any is exit 1. */
  readonly crashes: number;
}

/** The correct Raft's campaign after the hunts (the budget they used). */
export interface CorrectRaft {
  readonly runs: number;
  /**
   * Wall seconds it ran: about the budget (a campaign ends at the first run to finish past it),
   * or less if Ctrl-C ended it.
   */
  readonly seconds: number;
  /** Ctrl-C ended it before its budget. */
  readonly interrupted: boolean;
  readonly failed: boolean;
  /** The simulator crashed on one of its seeds (said on stderr). */
  readonly crashed: boolean;
  readonly unknown: number;
  readonly repro: string | null;
}

export const HEADER = 'mutant  caught  check     seeds  seconds  shrink-s  shrunk  description';

export function rowLine(row: Row): string {
  const caught = row.caught ? 'yes' : row.cutShort ? 'cut' : 'NO';
  return `${row.name.padEnd(7)} ${caught.padEnd(7)} ${(row.check ?? '-').padEnd(9)} ${String(row.seeds).padStart(5)} ${row.seconds.toFixed(1).padStart(8)} ${(row.shrinkSeconds?.toFixed(1) ?? '-').padStart(9)} ${String(row.shrunkSteps ?? '-').padStart(7)}  ${row.description}`;
}

/** The totals: the rows, the correct Raft, what Ctrl-C left unfinished, the medians. */
export function summarize(
  rows: readonly Row[],
  correct: CorrectRaft | null,
  stop: { interrupted: boolean; notHunted: readonly MutantId[] },
) {
  const caught = rows.filter((r) => r.caught);
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const shrinkTimes = sorted(
    caught.flatMap((r) => (r.shrinkSeconds === null ? [] : [r.shrinkSeconds])),
  );
  return {
    interrupted: stop.interrupted,
    mutants: rows,
    notHunted: stop.notHunted,
    correct:
      correct === null
        ? null
        : {
            interrupted: correct.interrupted,
            runs: correct.runs,
            failures: correct.failed ? 1 : 0,
            crashed: correct.crashed,
            unknown: correct.unknown,
            repro: correct.repro,
            seconds: correct.seconds,
          },
    caught: caught.length,
    total: rows.length + stop.notHunted.length,
    medianSecondsToCatch: median(sorted(caught.map((r) => r.seconds))),
    medianShrunkSteps: median(
      sorted(rows.flatMap((r) => (r.shrunkSteps === null ? [] : [r.shrunkSteps]))),
    ),
    medianShrinkSeconds: median(shrinkTimes),
    maxShrinkSeconds: shrinkTimes.at(-1) ?? null,
  };
}

export function printTotals(
  summary: ReturnType<typeof summarize>,
  say: (line: string) => void,
): void {
  if (summary.interrupted) say(`interrupted${cutShortParts(summary)}`);
  const c = summary.correct;
  say(
    c === null
      ? 'correct Raft: not run (interrupted)'
      : `correct Raft${c.interrupted ? ' (cut short)' : ''}: ${c.runs} runs in ${c.seconds.toFixed(1)} s, ${c.failures} failures, ${c.unknown} unknown` +
          (c.repro === null ? '' : `: replay: ${replayLine(c.repro)}`),
  );
  say(
    `caught ${summary.caught}/${summary.total}; median time to catch ${summary.medianSecondsToCatch?.toFixed(2) ?? '-'} s; ` +
      `median shrink ${summary.medianShrinkSeconds?.toFixed(1) ?? '-'} s (longest ${summary.maxShrinkSeconds?.toFixed(1) ?? '-'} s); ` +
      `median shrunk schedule ${summary.medianShrunkSteps ?? '-'} steps`,
  );
}

/** What Ctrl-C left unfinished, for the `interrupted` line: `: hunt of Z08 cut short; …`. */
function cutShortParts(summary: ReturnType<typeof summarize>): string {
  const names = (rows: readonly Row[]) => rows.map((r) => r.name).join(', ');
  const hunts = summary.mutants.filter((r) => r.cutShort);
  const shrinks = summary.mutants.filter((r) => r.shrinkCutShort);
  const parts = [
    hunts.length === 0 ? '' : `hunt of ${names(hunts)} cut short`,
    shrinks.length === 0 ? '' : `shrinking of ${names(shrinks)} cut short (unshrunk repro kept)`,
    summary.notHunted.length === 0 ? '' : `not hunted: ${summary.notHunted.join(', ')}`,
    summary.correct?.interrupted === true ? 'correct Raft cut short' : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? '' : `: ${parts.join('; ')}`;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const mid = values.length >> 1;
  return values.length % 2 === 1
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
}
