import { performance } from 'node:perf_hooks';

export interface Rate {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** Runs `work` (which returns how many units it did) repeatedly for at least `minSeconds`. */
export function measureRate(work: () => number, minSeconds: number): Rate {
  work(); // warm-up: let the JIT settle before the clock starts
  let count = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    count += work();
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < minSeconds);
  return { count, seconds: elapsed, perSecond: count / elapsed };
}

/** Wall time of one call, in seconds. */
export function timeOnce(work: () => void): number {
  const start = performance.now();
  work();
  return (performance.now() - start) / 1000;
}
