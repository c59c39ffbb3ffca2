import { performance } from 'node:perf_hooks';
import { PROFILES, unreliable, type NetworkProfile } from '../profiles.js';
import { Streams } from '../random.js';
import { runKv, type KvRunConfig } from '../run/kv-run.js';
import { drawFaults } from '../run/random-faults.js';
import { seconds } from '../time.js';
import { medianSample, spreadBy } from './measure.js';
import { BenchFailure, fmt, fmtSpread, repeat, type BenchSuite } from './suite.js';

/** The reference workload's fault schedule runs this long; it is healed for HEALED after. */
const FAULTY = seconds(20);
const HEALED = seconds(5);

/**
 * The reference workload: 5 servers on the labrpc-unreliable network, 3 clerks doing gets
 * and puts on 5 keys as fast as replies allow, all checks on. A generated fault schedule runs for
 * 20 virtual seconds; then every partition heals and every crashed server restarts, and the
 * clerks work on for 5 healed seconds (the network keeps its drops and delays). Only then does
 * the run's liveness phase begin (reliable network, one last get per clerk), which ends the run.
 */
export function referenceConfig(seed: number): KvRunConfig {
  const faults = drawFaults(new Streams(seed).get('faults'), 5, FAULTY);
  return {
    seed,
    servers: 5,
    profile: unreliable,
    faults: [
      ...faults,
      { at: FAULTY, step: { kind: 'heal' } },
      { at: FAULTY, step: { kind: 'restartCrashed' } },
    ],
    safetyMicros: FAULTY + HEALED,
    workload: { clerks: 3, keys: 5, thinkMinMicros: 0, thinkMaxMicros: 0 },
    maxRaftStateBytes: 4096,
  };
}

/** An idle 5-node cluster: no clerks' traffic beyond one, no faults, 60 virtual seconds. */
export function idleConfig(seed: number): KvRunConfig {
  return {
    seed,
    servers: 5,
    profile: PROFILES['reliable'] as NetworkProfile,
    faults: [],
    safetyMicros: seconds(60),
    workload: { clerks: 1, keys: 1, thinkMinMicros: seconds(120), thinkMaxMicros: seconds(120) },
  };
}

export interface ClusterRate {
  /** Virtual seconds per wall second. */
  readonly speedup: number;
  readonly eventsPerSecond: number;
  readonly runs: number;
  /** Runs whose history the checker left undecided (counted in the rates all the same). */
  readonly unknown: number;
}

/**
 * Runs seeds 1, 2, … of a configuration for at least `minSeconds` of wall time, after a warm-up
 * run (seed 0). With `seeds`, it runs seeds 1..`seeds` in whole passes until that time is up
 * (to measure a second configuration on the same work as a first). Every run must pass: these
 * are the correct Raft's runs, so a violation or a liveness failure stops the benchmark, naming
 * the seed. `runs` is how many runs it made.
 */
export function clusterRate(
  name: string,
  config: (seed: number) => KvRunConfig,
  minSeconds: number,
  seeds?: number,
): ClusterRate {
  const run = (seed: number) => {
    const runConfig = config(seed);
    const result = runKv(runConfig);
    if (result.verdict === 'violation' || result.verdict === 'liveness') {
      const why = result.violation?.message ?? result.liveness ?? result.verdict;
      throw new BenchFailure(`${name}: seed ${seed} failed on the correct Raft (${why})`);
    }
    // The speed-up counts the workload's own window: the liveness phase after it (the clerks
    // stopped, and a 2 s watch of the settled cluster) costs wall time but adds no workload.
    return {
      ...result,
      workloadSeconds: Math.min(result.virtualMicros, runConfig.safetyMicros) / 1e6,
    };
  };
  run(0); // warm-up
  let virtual = 0;
  let events = 0;
  let unknown = 0;
  let runs = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    const result = run(seeds === undefined ? runs + 1 : (runs % seeds) + 1);
    runs++;
    virtual += result.workloadSeconds;
    events += result.events;
    if (result.verdict === 'unknown') unknown++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < minSeconds || (seeds !== undefined && runs % seeds !== 0));
  return { speedup: virtual / elapsed, eventsPerSecond: events / elapsed, runs, unknown };
}

/** The headline figures: the reference workload's speed and events per second, checks on. */
export const referenceSuite: BenchSuite = {
  name: 'reference',
  about: 'the reference workload, all checks on: speedup and events/s',
  async run({ repetitions, minSeconds, log }) {
    const samples = await repeat(repetitions, () =>
      clusterRate('reference workload', referenceConfig, minSeconds),
    );
    const speedup = spreadBy(samples, (s) => s.speedup);
    const events = spreadBy(samples, (s) => s.eventsPerSecond);
    // A run the checker could not decide still counts in the rates: say how many there were.
    const runs = samples.reduce((sum, s) => sum + s.runs, 0);
    const unknown = samples.reduce((sum, s) => sum + s.unknown, 0);
    log(`reference workload, all checks on:  ${fmtSpread(speedup)}x real time`);
    log(`  engine events/s, all checks on:   ${fmtSpread(events)}`);
    log(`  runs: ${runs}, ${unknown} of them left undecided by the checker`);
    return {
      speedupReference: speedup,
      referenceEventsPerSecond: events,
      referenceRuns: runs,
      referenceUnknownRuns: unknown,
    };
  },
};

export const idleSuite: BenchSuite = {
  name: 'idle',
  about: 'an idle 5-node cluster: speedup',
  async run({ repetitions, minSeconds, log }) {
    const samples = await repeat(repetitions, () =>
      clusterRate('idle cluster', idleConfig, minSeconds),
    );
    const speedup = spreadBy(samples, (s) => s.speedup);
    log(`idle 5-node cluster:                ${fmtSpread(speedup)}x real time`);
    return { speedupIdle: speedup };
  },
};

/** Events per second on the reference workload with the monitors on and off, interleaved. */
export const monitorSuite: BenchSuite = {
  name: 'monitors',
  about: 'the reference workload with the monitors on and off: the monitors’ cost',
  async run({ repetitions, minSeconds, log }) {
    const off = (seed: number) => ({ ...referenceConfig(seed), monitors: false });
    const samples = await repeat(repetitions, () => {
      const on = clusterRate('reference workload', referenceConfig, minSeconds);
      // The same seeds, in whole passes, so both sides do the same work (the monitors only
      // watch it).
      const offRun = clusterRate('reference, monitors off', off, minSeconds, on.runs);
      return {
        on: on.eventsPerSecond,
        off: offRun.eventsPerSecond,
        // How much longer the same events take with the monitors on.
        slowdown: offRun.eventsPerSecond / on.eventsPerSecond - 1,
        unknown: on.unknown + offRun.unknown,
      };
    });
    const slowdown = spreadBy(samples, (s) => s.slowdown);
    const median = medianSample(samples, (s) => s.slowdown);
    log(
      `monitors on / off:                  ${fmt(median.on)} / ${fmt(median.off)} events/s; ` +
        `${fmtSpread(slowdown, 1, 100)} % slower`,
    );
    return {
      monitorsOnEventsPerSecond: spreadBy(samples, (s) => s.on),
      monitorsOffEventsPerSecond: spreadBy(samples, (s) => s.off),
      monitorSlowdown: slowdown,
      monitorsUnknownRuns: samples.reduce((n, s) => n + s.unknown, 0),
    };
  },
};
