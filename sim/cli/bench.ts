import { availableParallelism, loadavg } from 'node:os';
import { checkerSuite } from '../bench/checker.js';
import { idleSuite, monitorSuite, referenceSuite } from '../bench/cluster.js';
import { codecSuite } from '../bench/codec.js';
import { engineSuite } from '../bench/engine.js';
import { guidedSuite } from '../bench/guided.js';
import { memorySuite } from '../bench/memory.js';
import { BenchFailure, type BenchContext, type BenchSuite, type Figure } from '../bench/suite.js';
import { fuzzSuite, labSuite } from '../bench/suites.js';
import { noPositionals, parseFlags, UsageError } from './args.js';
import { checkerScalingCommand } from './bench-scaling.js';
import { checkOutput, printJson, writeFileAtomic } from './output.js';

const BENCH_PATH = 'reports/bench.json';

/** Every benchmark, in the order they run. A new one is a BenchSuite added here. */
export const BENCH_SUITES: readonly BenchSuite[] = [
  referenceSuite,
  engineSuite,
  idleSuite,
  monitorSuite,
  labSuite,
  fuzzSuite,
  guidedSuite,
  checkerSuite,
  codecSuite,
  memorySuite,
];

/** Each figure is the median of this many measurements (min and max beside it). */
const REPETITIONS = 3;

/**
 * `raftsim bench`: measures the figures of docs/benchmarks.md in one run and stores them. Exit 0,
 * or 1 when a run it made failed where it must not (a failing seed on the correct Raft).
 */
export async function benchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('bench', argv, {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    only: { type: 'string' },
    'checker-scaling': { type: 'boolean' },
  });
  noPositionals('bench', positionals);
  const json = values.json === true;
  const quick = values.quick === true;
  if (values['checker-scaling'] === true) {
    if (values.only !== undefined)
      throw new UsageError(
        '--checker-scaling runs the checker on long histories only; it takes no --only',
      );
    return checkerScalingCommand(quick, json);
  }
  const suites = selectSuites(values.only);
  // Checked before minutes of measuring, so that a place it cannot write fails at once.
  if (values.only === undefined) checkOutput('bench output', BENCH_PATH);
  const context: BenchContext = {
    quick,
    repetitions: REPETITIONS,
    minSeconds: quick ? 0.3 : 2,
    log: (line) => {
      if (!json) process.stdout.write(`${line}\n`);
    },
  };
  const loadBefore = loadavg()[0] as number;
  let figures: Record<string, Figure>;
  try {
    figures = await runSuites(suites, context);
  } catch (error) {
    if (!(error instanceof BenchFailure)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 1;
  }
  const report = { ...figures, ...machine(quick, loadBefore) };
  if (values.only === undefined) {
    writeFileAtomic(BENCH_PATH, [`${JSON.stringify(report, null, 2)}\n`]);
    context.log(`written to ${BENCH_PATH}`);
  } else context.log(`--only: ${BENCH_PATH} left as it was`);
  if (json) printJson(report);
  return 0;
}

function selectSuites(only: string | undefined): readonly BenchSuite[] {
  if (only === undefined) return BENCH_SUITES;
  const names = only
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!BENCH_SUITES.some((suite) => suite.name === name)) {
      const known = BENCH_SUITES.map((suite) => suite.name).join(', ');
      throw new UsageError(`--only: unknown suite "${name}" (one of ${known})`);
    }
  }
  if (names.length === 0) throw new UsageError('--only: name at least one suite');
  return BENCH_SUITES.filter((suite) => names.includes(suite.name));
}

async function runSuites(
  suites: readonly BenchSuite[],
  context: BenchContext,
): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  for (const suite of suites) {
    for (const [name, figure] of Object.entries(await suite.run(context))) {
      if (name in figures) throw new Error(`bench: two suites measure "${name}"`);
      figures[name] = figure;
    }
  }
  return figures;
}

/** What the figures were measured on: they mean little without it. */
function machine(quick: boolean, loadBefore: number) {
  return {
    quick,
    repetitions: REPETITIONS,
    node: process.version,
    cpus: availableParallelism(),
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg()[0] as number,
  };
}
