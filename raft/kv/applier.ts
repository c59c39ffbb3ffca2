import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { assert } from '../assert.js';
import type { Effect } from '../contract.js';
import type { ApplyMsg } from '../types.js';

/** The timer on which a lagging service takes what waits on its apply channel. */
export const APPLIER_TIMER = 'kv-applier';

/** Mixed into the node's seed so that the applier's draws are a stream apart from Raft's. */
const APPLIER_STREAM = 0x5eed_a991;

/**
 * Go's applyCh between Raft and a service loop that runs behind it. Raft hands over its applies
 * in order the moment it commits; they wait here, in that order, until the applier timer fires,
 * up to `maxLagMicros` after the first of them arrived, and the service then takes them all.
 * So the service's applied index trails Raft's commit index, as it does when the service's
 * goroutine is slow or descheduled, and a snapshot Raft installs reaches the service only after
 * the entries Raft applied before it. What waits is lost with the instance on a crash, as a
 * channel's contents are with its process.
 */
export class LaggingApplier {
  private readonly waiting: ApplyMsg[] = [];
  private readonly rng: RandomGenerator;

  constructor(
    seed: number,
    private readonly maxLagMicros: number,
  ) {
    assert(
      Number.isSafeInteger(maxLagMicros) && maxLagMicros > 0,
      `applier lag ${maxLagMicros} µs`,
    );
    this.rng = xoroshiro128plus((seed ^ APPLIER_STREAM) | 0);
    // As Raft's own generator: a small seed leaves xoroshiro's first outputs weakly mixed.
    for (let i = 0; i < 8; i++) this.rng.next();
  }

  /** Queues one apply; the effect that arms the timer when nothing was waiting, else null. */
  hold<M, A>(message: ApplyMsg): Effect<M, A> | null {
    this.waiting.push(message);
    if (this.waiting.length > 1) return null;
    return {
      kind: 'setTimer',
      name: APPLIER_TIMER,
      afterMicros: uniformInt(this.rng, 1, this.maxLagMicros),
    };
  }

  /** Everything waiting, oldest first, for the service to apply now. */
  takeAll(): ApplyMsg[] {
    return this.waiting.splice(0, this.waiting.length);
  }
}
