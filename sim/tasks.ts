import { assert, SimulationError } from './assert.js';
import type { EventTarget, Scheduler, SimEvent } from './scheduler.js';
import { formatMicros, type Micros } from './time.js';

interface ConditionWaiter {
  readonly done: () => boolean;
  readonly deadline: Micros;
  readonly resolve: (reached: boolean) => void;
}

/**
 * Scenario code that reads sequentially, like the lab tests: `await tasks.sleep(ms(1000))`.
 *
 * The event loop itself stays synchronous. `drive` runs events until one wakes a sleeper (or a
 * waited-for condition holds), then lets the scenario's promise continuations run to their next
 * await before the loop resumes. Virtual time never depends on how long that takes, so the
 * result is as deterministic as a generator would be, with async stack traces for free.
 */
export class VirtualTasks implements EventTarget {
  private woken = 0;
  private sleepers = 0;
  private conditions: ConditionWaiter[] = [];

  constructor(private readonly scheduler: Scheduler) {}

  get now(): Micros {
    return this.scheduler.now;
  }

  sleep(delay: Micros): Promise<void> {
    assert(Number.isSafeInteger(delay) && delay >= 0, `sleep(${delay})`);
    this.sleepers++;
    return new Promise((resolve) => this.scheduler.after(delay, this, 0, 0, resolve));
  }

  /** Resolves true as soon as `done()` holds after some event, false once `timeout` passes. */
  until(done: () => boolean, timeout: Micros): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    const deadline = this.scheduler.now + timeout;
    return new Promise((resolve) => {
      this.conditions.push({ done, deadline, resolve });
      this.scheduler.at(deadline, this, 1, 0, null); // so the loop wakes even if nothing happens
    });
  }

  fire(event: SimEvent): void {
    if (event.a === 0) {
      this.sleepers--;
      this.woken++;
      (event.payload as () => void)();
    }
  }

  /** Runs `scenario` to completion on virtual time; rejects with its error if it throws. */
  async drive<T>(scenario: () => Promise<T>): Promise<T> {
    let finished = false;
    const outcome = scenario().finally(() => {
      finished = true;
    });
    outcome.catch(() => undefined); // observed below; keeps Node from calling it unhandled
    await settle();
    while (!finished) {
      this.runUntilSomeoneWakes();
      await settle();
    }
    return outcome;
  }

  private runUntilSomeoneWakes(): void {
    if (this.sleepers === 0 && this.conditions.length === 0) {
      throw new SimulationError('scenario is waiting on something other than virtual time');
    }
    this.woken = 0;
    while (this.woken === 0) {
      if (!this.scheduler.step()) {
        throw new SimulationError(`no events left at ${formatMicros(this.scheduler.now)}`);
      }
      if (this.conditions.length > 0) this.checkConditions();
    }
  }

  private checkConditions(): void {
    const now = this.scheduler.now;
    const waiting: ConditionWaiter[] = [];
    for (const waiter of this.conditions) {
      if (waiter.done()) {
        this.woken++;
        waiter.resolve(true);
      } else if (now >= waiter.deadline) {
        this.woken++;
        waiter.resolve(false);
      } else {
        waiting.push(waiter);
      }
    }
    this.conditions = waiting;
  }
}

/**
 * Lets every pending promise continuation run. A macrotask runs only once the microtask queue is
 * empty; nothing else in a run uses macrotasks, so their order cannot change any result.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve)); // eslint-disable-line no-restricted-globals -- allowed: orders nothing virtual
}
