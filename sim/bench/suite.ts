import type { Spread } from './measure.js';

/** What every suite gets: how long to measure, how often to repeat, where to say what it found. */
export interface BenchContext {
  /** `--quick`: shorter measurements, the same repetitions. */
  readonly quick: boolean;
  /** How many times each figure is measured (at least 3); figures are medians of these. */
  readonly repetitions: number;
  /** The least wall time of one rate measurement. */
  readonly minSeconds: number;
  /** One human-readable line (silent under --json). */
  readonly log: (line: string) => void;
}

/** A figure in `reports/bench.json`: a spread over repetitions, or a plain fact beside one. */
export type Figure = Spread | number | string | readonly string[];

/**
 * One benchmark: a name for `--only`, and a function that measures its figures. Figures from
 * every suite are merged into one object, so their names must be unique across suites.
 */
export interface BenchSuite {
  readonly name: string;
  /** What it measures, for `--only`'s listing. */
  readonly about: string;
  run(context: BenchContext): Promise<Record<string, Figure>>;
}

/**
 * A run the benchmark made went wrong where it must not (a failing seed on the correct Raft,
 * a wrong checker verdict): the bench stops, says which, and exits 1.
 */
export class BenchFailure extends Error {
  override readonly name = 'BenchFailure';
}

/** Runs `measure` `times` times, interleaved with nothing: the samples, in order. */
export async function repeat<T>(times: number, measure: () => T | Promise<T>): Promise<T[]> {
  const samples: T[] = [];
  for (let i = 0; i < times; i++) samples.push(await measure());
  return samples;
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** "median (min–max)", for the human-readable lines. */
export function fmtSpread(spread: Spread, digits = 0, scale = 1): string {
  const f = (n: number) => fmt(n * scale, digits);
  return `${f(spread.median)} (${f(spread.min)}–${f(spread.max)})`;
}
