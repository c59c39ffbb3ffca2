import { performance } from 'node:perf_hooks';
import { PROFILES, unreliable, type NetworkProfile } from '../profiles.js';
import { Streams } from '../random.js';
import { runKv, type KvRunConfig } from '../run/kv-run.js';
import { drawFaults } from '../run/random-faults.js';
import { seconds } from '../time.js';
import type { Rate } from './measure.js';

/**
 * DESIGN §7's reference workload: 5 servers, labrpc-unreliable network, 3 clerks doing gets and
 * puts on 5 keys as fast as replies allow, 20 virtual seconds under a generated fault schedule,
 * then 5 healed seconds; every checker on.
 */
export function referenceConfig(seed: number): KvRunConfig {
  return {
    seed,
    servers: 5,
    profile: unreliable,
    faults: drawFaults(new Streams(seed).get('faults'), 5, seconds(20)),
    safetyMicros: seconds(20),
    healedMicros: seconds(5),
    workload: { clerks: 3, keys: 5, thinkMinMicros: 0, thinkMaxMicros: 0 },
    maxRaftStateBytes: 4096,
  };
}

/**
 * Virtual seconds per wall second over repeated runs of a configuration (seed varies), and the
 * engine's events per wall second over the same runs.
 */
export function speedup(
  config: (seed: number) => KvRunConfig,
  minSeconds: number,
): Rate & { eventsPerSecond: number } {
  runKv(config(0)); // warm-up
  let virtual = 0;
  let events = 0;
  const start = performance.now();
  let seed = 1;
  let elapsed: number;
  do {
    const result = runKv(config(seed++));
    virtual += result.virtualMicros / 1e6;
    events += result.events;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < minSeconds);
  return {
    count: virtual,
    seconds: elapsed,
    perSecond: virtual / elapsed,
    eventsPerSecond: events / elapsed,
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

/** Events per second on the reference workload with the monitors on and off. */
export function monitorCost(minSeconds: number): { on: number; off: number } {
  const on = speedup(referenceConfig, minSeconds).eventsPerSecond;
  const off = speedup(
    (seed) => ({ ...referenceConfig(seed), monitors: false }),
    minSeconds,
  ).eventsPerSecond;
  return { on, off };
}
