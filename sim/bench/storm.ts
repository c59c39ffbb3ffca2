import { fileURLToPath } from 'node:url';
import { inChildProcess } from './measure.js';
import { BenchFailure } from './suite.js';

/** What replaying the storm regression without the leader's nextIndex guards cost. */
export interface StormCost {
  readonly seconds: number;
  readonly peakRssMb: number;
  /** The run's failure kind: `event storm` when the caps did their work. */
  readonly kind: string | null;
  readonly events: number;
  readonly liveness: string | null;
}

export function stormRegressionPath(): string {
  return fileURLToPath(
    new URL('../../../scenarios/regressions/byone-duplicate-storm.json', import.meta.url),
  );
}

/** Runs the storm in a fresh process (storm-child.ts), so its peak RSS is its own. */
export async function stormCost(): Promise<StormCost> {
  const cost = await inChildProcess<StormCost>('storm-child.js');
  // The figure is the cost of a storm the caps stop: a run that ended any other way (sooner, or
  // passing) would time something easier than its name.
  if (cost.kind !== 'event storm')
    throw new BenchFailure(
      `storm regression: ended ${cost.kind ?? 'passing'}, not as an event storm`,
    );
  return cost;
}
