import { idleConfig, monitorCost, referenceConfig, speedup } from '../bench/cluster.js';
import { checkerScaling } from '../bench/checker-scaling.js';
import { bareCeiling, engineRate } from '../bench/engine.js';
import { guidedVsSwarm } from '../bench/guided.js';
import { checkerCorpus, fuzzRate, labSuiteSeconds } from '../bench/suites.js';
import { noPositionals, parseFlags } from './args.js';
import { printJson, writeFileAtomic } from './output.js';

const BENCH_PATH = 'reports/bench.json';
/** Porcupine v1.3.0, one thread, on the corpus (expected.tsv): the figures to beat. */
const PORCUPINE = { etcd: 0.579, kv: 0.25 };
/** The reference harness's wall time for the whole Lab 3 suite (spec/lab3-suite.md). */
const REFERENCE_LAB_SECONDS = 580;

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** `raftsim bench`: measures the figures of DESIGN §7 in one run and stores them. */
export async function benchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('bench', argv, {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    'checker-scaling': { type: 'boolean' },
  });
  noPositionals('bench', positionals);
  const quick = values.quick === true;
  if (values['checker-scaling'] === true) return checkerScalingCommand(quick, values.json === true);
  const minSeconds = quick ? 0.3 : 2;
  const log = (line: string) => {
    if (values.json !== true) process.stdout.write(`${line}\n`);
  };
  const ceiling = bareCeiling(minSeconds);
  log(`bare ceiling (heap of no-op events):        ${fmt(ceiling.perSecond)} events/s`);
  const engine = engineRate(minSeconds);
  log(
    `engine, busy toy cluster, hashing on:       ${fmt(engine.perSecond)} events/s (${fmt((100 * engine.perSecond) / ceiling.perSecond, 1)} % of the ceiling)`,
  );
  const reference = speedup(referenceConfig, minSeconds);
  log(
    `reference workload (5 servers, 3 clerks):   ${fmt(reference.perSecond)}x real time, ${fmt(reference.eventsPerSecond)} events/s, all checks on`,
  );
  const idle = speedup(idleConfig, minSeconds);
  log(`idle 5-node cluster:                        ${fmt(idle.perSecond)}x real time`);
  const monitors = monitorCost(minSeconds);
  const slowdown = 1 - monitors.on / monitors.off;
  log(
    `monitors on / off:                          ${fmt(monitors.on)} / ${fmt(monitors.off)} events/s (${fmt(100 * slowdown, 1)} % slower)`,
  );
  const lab = await labSuiteSeconds();
  log(
    `Lab 3 suite (${lab.tests} tests, one seed each): ${fmt(lab.seconds, 2)} s (reference harness ~${REFERENCE_LAB_SECONDS} s)`,
  );
  const seeds = quick ? 40 : 300; // enough that starting the worker threads is a small part
  const fuzz1 = await fuzzRate(0, seeds);
  const fuzz2 = await fuzzRate(2, seeds);
  log(
    `fuzz seeds/s, 1 and 2 workers:              ${fmt(fuzz1, 1)} / ${fmt(fuzz2, 1)} (${fmt(fuzz2 / fuzz1, 2)}x)`,
  );
  const guided = await guidedVsSwarm(quick ? 32 : 300, 0);
  log(
    `guided vs swarm, ${guided.runs} runs each, 1 worker:   ${fmt(guided.guided.transitions)} / ${fmt(guided.swarm.transitions)} transitions (${fmt(guided.transitionsRatio, 2)}x), ${fmt(guided.guided.runsPerSecond, 1)} / ${fmt(guided.swarm.runsPerSecond, 1)} runs/s (${fmt(guided.throughputRatio, 2)}x)`,
  );
  const corpus = checkerCorpus();
  log(
    `checker, 102 etcd files:                    ${fmt(corpus.etcd, 3)} s (Porcupine ${PORCUPINE.etcd} s)`,
  );
  log(
    `checker, 6 kv files:                        ${fmt(corpus.kv, 3)} s (Porcupine ${PORCUPINE.kv} s); slowest ${corpus.slowestFile} ${fmt(corpus.slowestSeconds * 1000, 1)} ms`,
  );
  if (corpus.wrong.length > 0) log(`WRONG verdicts: ${corpus.wrong.join(', ')}`);
  const figures = {
    ceilingEventsPerSecond: Math.round(ceiling.perSecond),
    engineEventsPerSecond: Math.round(engine.perSecond),
    engineShareOfCeiling: engine.perSecond / ceiling.perSecond,
    labSuiteSeconds: lab.seconds,
    speedupReference: reference.perSecond,
    speedupIdle: idle.perSecond,
    referenceEventsPerSecond: Math.round(reference.eventsPerSecond),
    monitorsOnEventsPerSecond: Math.round(monitors.on),
    monitorsOffEventsPerSecond: Math.round(monitors.off),
    monitorSlowdown: slowdown,
    fuzzSeedsPerSecond1: fuzz1,
    fuzzSeedsPerSecond2: fuzz2,
    guidedRuns: guided.runs,
    guidedTransitions: guided.guided.transitions,
    swarmTransitions: guided.swarm.transitions,
    guidedTransitionsRatio: guided.transitionsRatio,
    guidedThroughputRatio: guided.throughputRatio,
    checkerEtcdSeconds: corpus.etcd,
    checkerKvSeconds: corpus.kv,
    checkerSlowestFile: corpus.slowestFile,
    checkerSlowestSeconds: corpus.slowestSeconds,
    node: process.version,
  };
  writeFileAtomic(BENCH_PATH, [`${JSON.stringify(figures, null, 2)}\n`]);
  if (values.json === true) printJson(figures);
  else log(`written to ${BENCH_PATH}`);
  return 0;
}

const SCALING_PATH = 'reports/checker-scaling.json';

/**
 * `raftsim bench --checker-scaling`: the checker on long histories only (issue 15), stored in
 * its own file. --quick stops at 100,000 generated operations and checks each corpus file once.
 */
function checkerScalingCommand(quick: boolean, json: boolean): number {
  const figures = checkerScaling({
    sizes: quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000],
    rounds: quick ? 1 : 3,
    log: (line) => {
      if (!json) process.stdout.write(`${line}\n`);
    },
  });
  const report = { ...figures, node: process.version };
  writeFileAtomic(SCALING_PATH, [`${JSON.stringify(report, null, 2)}\n`]);
  if (json) printJson(report);
  else process.stdout.write(`written to ${SCALING_PATH}\n`);
  return 0;
}
