import { EventCapError } from './assert.js';
import { formatMicros, type Micros } from './time.js';

/** A delivery that reached a stalled link: its event's fields (events are pooled). */
export interface HeldDelivery {
  readonly endpoints: number;
  readonly incarnation: number;
  readonly bytes: Uint8Array;
}

/**
 * Messages a stalled link holds before the run fails as a storm. Held messages leave the event
 * queue, so the pending-event cap does not see them; a link stalled for seconds under a busy
 * workload holds a few thousand.
 */
export const DEFAULT_MAX_HELD_PER_LINK = 100_000;

/**
 * The deliveries waiting on stalled links, in the order they arrived there, with a cap per
 * link. Only a release ends the stalls, and it lets every one of them go at once.
 */
export class HeldMessages {
  private held: HeldDelivery[] = [];
  /** How many of `held` each link holds (index from * nodes + to). */
  private readonly perLink: Uint32Array;

  constructor(
    private readonly nodes: number,
    private readonly maxPerLink: number,
  ) {
    this.perLink = new Uint32Array(nodes * nodes);
  }

  /** Holds a delivery on the link from `from` to `to`; a link over its cap ends the run. */
  hold(from: number, to: number, delivery: HeldDelivery, now: Micros): void {
    const slot = from * this.nodes + to;
    const count = ++this.perLink[slot]!;
    if (count > this.maxPerLink) {
      throw new EventCapError(
        `held-message cap reached: link ${from}->${to} holds ${this.maxPerLink} messages` +
          ` at ${formatMicros(now)}`,
      );
    }
    this.held.push(delivery);
  }

  /** Every held delivery, in the order it arrived; the links hold nothing after. */
  releaseAll(): readonly HeldDelivery[] {
    const released = this.held;
    this.held = [];
    this.perLink.fill(0);
    return released;
  }
}
