/**
 * Run in a child process by the memory suite (storm.ts): replays the storm regression with the
 * leader's nextIndex guards removed (build S01) and prints what it cost as one JSON line. A
 * process of its own, so that its peak RSS is the storm's alone.
 */
import { readFileSync } from 'node:fs';
import { kvRunConfig, type FuzzConfig } from '../fuzz/config.js';
import { failureKind, summarize } from '../fuzz/run-seed.js';
import { runKv } from '../run/kv-run.js';
import { stormRegressionPath } from './storm.js';
import { peakRssMegabytes } from './measure.js';

const regression = JSON.parse(readFileSync(stormRegressionPath(), 'utf8')) as {
  seed: number;
  config: FuzzConfig;
};
const start = performance.now();
const result = runKv({ ...kvRunConfig(regression.seed, regression.config), mutant: 'S01' });
const seconds = (performance.now() - start) / 1000;
const line = {
  seconds,
  peakRssMb: peakRssMegabytes(),
  kind: failureKind(summarize(result)),
  events: result.events,
  liveness: result.liveness,
};
process.stdout.write(`${JSON.stringify(line)}\n`);
