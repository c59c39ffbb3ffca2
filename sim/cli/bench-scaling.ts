import { checkerScaling } from '../bench/checker-scaling.js';
import { BenchFailure } from '../bench/suite.js';
import { checkOutput, printJson, writeFileAtomic } from './output.js';

const SCALING_PATH = 'reports/checker-scaling.json';

/**
 * `raftsim bench --checker-scaling`: the checker on long histories only, stored in its own file.
 * --quick stops at 100,000 generated operations and checks each corpus file once.
 */
export function checkerScalingCommand(quick: boolean, json: boolean): number {
  checkOutput('checker-scaling output', SCALING_PATH);
  let figures;
  try {
    figures = checkerScaling({
      sizes: quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000],
      rounds: quick ? 1 : 3,
      log: (line) => {
        if (!json) process.stdout.write(`${line}\n`);
      },
    });
  } catch (error) {
    // A wrong verdict is a check that failed (exit 1), not an internal error.
    if (!(error instanceof BenchFailure)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 1;
  }
  const report = { ...figures, node: process.version };
  writeFileAtomic(SCALING_PATH, [`${JSON.stringify(report, null, 2)}\n`]);
  if (json) printJson(report);
  else process.stdout.write(`written to ${SCALING_PATH}\n`);
  return 0;
}
