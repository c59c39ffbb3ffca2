import { bareCeiling, engineRate } from '../bench/engine.js';
import { noPositionals, parseFlags } from './args.js';
import { printJson, writeFileAtomic } from './output.js';

const BENCH_PATH = 'reports/bench.json';

/** `raftsim bench`: measures the figures of DESIGN §7 in one run and stores them. */
export function benchCommand(argv: string[]): number {
  const { values, positionals } = parseFlags('bench', argv, {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
  });
  noPositionals('bench', positionals);
  const minSeconds = values.quick === true ? 0.3 : 2;
  const log = (line: string) => {
    if (values.json !== true) process.stdout.write(`${line}\n`);
  };
  const ceiling = bareCeiling(minSeconds);
  log(
    `bare ceiling (heap of no-op events): ${Math.round(ceiling.perSecond).toLocaleString('en')} events/s`,
  );
  const engine = engineRate(minSeconds);
  log(
    `engine, busy toy cluster, hashing on: ${Math.round(engine.perSecond).toLocaleString('en')} events/s` +
      ` (${((100 * engine.perSecond) / ceiling.perSecond).toFixed(1)} % of the ceiling)`,
  );
  const figures = {
    ceilingEventsPerSecond: Math.round(ceiling.perSecond),
    engineEventsPerSecond: Math.round(engine.perSecond),
    engineShareOfCeiling: engine.perSecond / ceiling.perSecond,
    node: process.version,
  };
  writeFileAtomic(BENCH_PATH, [`${JSON.stringify(figures, null, 2)}\n`]);
  if (values.json === true) printJson(figures);
  else log(`written to ${BENCH_PATH}`);
  return 0;
}
