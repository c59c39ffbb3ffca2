import { reliable } from '../profiles.js';
import { RandomStream } from '../random.js';
import { Scheduler, type EventTarget, type SimEvent } from '../scheduler.js';
import { runToy } from '../testing/toy-run.js';
import { seconds } from '../time.js';
import { measureRate, spreadBy, type Rate } from './measure.js';
import { fmtSpread, repeat, type BenchSuite } from './suite.js';

/**
 * Pending events kept in the bare heap: what the busy 5-node toy cluster holds on average (14.1
 * after each step over seeds 1 and 2, 20 s each; peaks of 20 and 24).
 */
const BARE_PENDING = 14;

/**
 * The ceiling: the same heap with timed no-op events and nothing else. Each event re-arms
 * itself at a pseudo-random later time so the heap keeps its size and its order work.
 */
export function bareCeiling(minSeconds: number): Rate {
  return measureRate(() => {
    const scheduler = new Scheduler();
    const random = new RandomStream('bench', 1);
    const delays = Array.from({ length: 1024 }, () => random.int(1, 20_000));
    let i = 0;
    const target: EventTarget = {
      fire(event: SimEvent) {
        scheduler.post(delays[i++ & 1023] as number, target, event.a, 0, null);
      },
    };
    for (let k = 0; k < BARE_PENDING; k++) scheduler.post(delays[k] as number, target, k, 0, null);
    const events = 1_000_000;
    for (let k = 0; k < events; k++) scheduler.step();
    return events;
  }, minSeconds);
}

/**
 * The engine on a busy toy cluster: 5 nodes pinging every 1 ms, hashing on, faults on; no Raft,
 * no monitors, no checker. What the engine itself costs per event, beside the ceiling.
 */
export function toyRate(minSeconds: number): Rate {
  let seed = 1;
  return measureRate(() => {
    const result = runToy({
      seed: seed++,
      nodes: 5,
      durationMicros: seconds(20),
      profile: reliable,
      tickMicros: 1000,
    });
    return result.events;
  }, minSeconds);
}

/** The ceiling and the toy cluster, interleaved so that the machine's load touches both alike. */
export const engineSuite: BenchSuite = {
  name: 'engine',
  about: 'the bare event-loop ceiling and the busy toy cluster (no Raft): events/s',
  async run({ repetitions, minSeconds, log }) {
    const samples = await repeat(repetitions, () => {
      const ceiling = bareCeiling(minSeconds).perSecond;
      const toy = toyRate(minSeconds).perSecond;
      return { ceiling, toy, share: toy / ceiling };
    });
    const ceiling = spreadBy(samples, (s) => s.ceiling);
    const toy = spreadBy(samples, (s) => s.toy);
    const share = spreadBy(samples, (s) => s.share);
    log(`bare ceiling (heap of no-op events): ${fmtSpread(ceiling)} events/s`);
    log(`toy cluster (no Raft), hashing on:   ${fmtSpread(toy)} events/s`);
    log(`  its share of the ceiling:          ${fmtSpread(share, 1, 100)} %`);
    return { ceilingEventsPerSecond: ceiling, toyEventsPerSecond: toy, toyShareOfCeiling: share };
  },
};
