import { expect } from 'chai';
import fc from 'fast-check';
import { SimulationError } from './assert.js';
import { Scheduler, type EventTarget, type SimEvent } from './scheduler.js';

function recorder(): { target: EventTarget; fired: number[] } {
  const fired: number[] = [];
  return { fired, target: { fire: (event: SimEvent) => void fired.push(event.a) } };
}

describe('Scheduler', () => {
  it('runs events in time order, ties in insertion order', () => {
    const scheduler = new Scheduler();
    const { target, fired } = recorder();
    scheduler.at(30, target, 1);
    scheduler.at(10, target, 2);
    scheduler.at(30, target, 3);
    scheduler.at(10, target, 4);
    scheduler.at(20, target, 5);
    while (scheduler.step());
    expect(fired).to.deep.equal([2, 4, 5, 1, 3]);
    expect(scheduler.now).to.equal(30);
  });

  it('orders any batch of events by (time, insertion sequence)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const scheduler = new Scheduler();
        const { target, fired } = recorder();
        times.forEach((t, i) => scheduler.at(t, target, i));
        while (scheduler.step());
        const expected = times
          .map((t, i) => ({ t, i }))
          .sort((x, y) => x.t - y.t || x.i - y.i)
          .map((e) => e.i);
        expect(fired).to.deep.equal(expected);
      }),
    );
  });

  it('skips cancelled events and does not count them', () => {
    const scheduler = new Scheduler();
    const { target, fired } = recorder();
    scheduler.at(5, target, 1);
    const cancelled = scheduler.at(6, target, 2);
    scheduler.at(7, target, 3);
    cancelled.cancelled = true;
    while (scheduler.step());
    expect(fired).to.deep.equal([1, 3]);
    expect(scheduler.eventsExecuted).to.equal(2);
  });

  it('runUntilTime runs due events and moves the clock to the deadline', () => {
    const scheduler = new Scheduler();
    const { target, fired } = recorder();
    scheduler.at(10, target, 1);
    scheduler.at(100, target, 2);
    scheduler.runUntilTime(50);
    expect(fired).to.deep.equal([1]);
    expect(scheduler.now).to.equal(50);
    scheduler.runUntilTime(100);
    expect(fired).to.deep.equal([1, 2]);
  });

  it('runUntil stops as soon as the condition holds, or at the deadline', () => {
    const scheduler = new Scheduler();
    const { target, fired } = recorder();
    for (let t = 1; t <= 10; t++) scheduler.at(t * 10, target, t);
    expect(scheduler.runUntil(() => fired.length === 3, 1000)).to.equal(true);
    expect(scheduler.now).to.equal(30);
    expect(scheduler.runUntil(() => false, 55)).to.equal(false);
    expect(fired).to.deep.equal([1, 2, 3, 4, 5]);
    expect(scheduler.now).to.equal(55);
  });

  it('refuses events in the past and at fractional times', () => {
    const scheduler = new Scheduler();
    const { target } = recorder();
    scheduler.at(10, target);
    scheduler.step();
    expect(() => scheduler.at(5, target)).to.throw(/in the past/);
    expect(() => scheduler.at(10.5, target)).to.throw(/integer/);
  });

  it('fails with a clear message at the event cap instead of spinning', () => {
    const scheduler = new Scheduler(100);
    const target: EventTarget = { fire: () => void scheduler.after(1, target) };
    scheduler.at(0, target);
    expect(() => scheduler.runUntilTime(1_000_000)).to.throw(
      SimulationError,
      /event cap reached: 100 events/,
    );
  });

  it('fails when more events wait at once than its pending cap (a storm piling up)', () => {
    const scheduler = new Scheduler(1_000_000, 50);
    // Each event schedules two more: the queue doubles long before the event cap is near.
    const target: EventTarget = {
      fire: () => {
        scheduler.after(1, target);
        scheduler.after(1, target);
      },
    };
    scheduler.at(0, target);
    expect(() => scheduler.runUntilTime(1_000_000)).to.throw(
      SimulationError,
      /pending-event cap reached: 50 events waiting/,
    );
    expect(scheduler.peakPending).to.equal(50);
    expect(scheduler.eventsExecuted).to.be.below(100);
  });
  it('calls the progress observer every N events executed, and only then', () => {
    const scheduler = new Scheduler();
    const target: EventTarget = { fire: () => void scheduler.after(1, target) };
    scheduler.at(0, target);
    const seen: number[] = [];
    scheduler.observeProgress(10, () => seen.push(scheduler.eventsExecuted));
    scheduler.runUntilTime(34); // events at 0..34: 35 executed
    expect(seen).to.deep.equal([10, 20, 30]);
    expect(() => scheduler.observeProgress(0, () => undefined)).to.throw(/progress interval/);
  });
});
