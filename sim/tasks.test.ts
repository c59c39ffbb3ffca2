import { expect } from 'chai';
import { SimulationError } from './assert.js';
import { Scheduler, type EventTarget } from './scheduler.js';
import { VirtualTasks } from './tasks.js';

describe('VirtualTasks', () => {
  it('sleep advances virtual time only, and sequential code reads in order', async () => {
    const scheduler = new Scheduler();
    const tasks = new VirtualTasks(scheduler);
    const seen: number[] = [];
    await tasks.drive(async () => {
      seen.push(tasks.now);
      await tasks.sleep(1_000_000);
      seen.push(tasks.now);
      await tasks.sleep(5);
      seen.push(tasks.now);
    });
    expect(seen).to.deep.equal([0, 1_000_000, 1_000_005]);
  });

  it('concurrent tasks interleave by virtual time, deterministically', async () => {
    const tasks = new VirtualTasks(new Scheduler());
    const log: string[] = [];
    const worker = async (name: string, step: number) => {
      for (let i = 0; i < 3; i++) {
        await tasks.sleep(step);
        log.push(`${name}@${tasks.now}`);
      }
    };
    await tasks.drive(() => Promise.all([worker('a', 10), worker('b', 15)]));
    // At 30 both wake; b's sleep was armed first (at 15, a's at 20), so b goes first.
    expect(log).to.deep.equal(['a@10', 'b@15', 'a@20', 'b@30', 'a@30', 'b@45']);
  });

  it('until resolves when a condition holds after some event, or false at the timeout', async () => {
    const scheduler = new Scheduler();
    const tasks = new VirtualTasks(scheduler);
    let counter = 0;
    const tick: EventTarget = { fire: () => (counter++, void scheduler.after(100, tick)) };
    scheduler.after(100, tick);
    await tasks.drive(async () => {
      expect(await tasks.until(() => counter >= 5, 10_000)).to.equal(true);
      expect(tasks.now).to.equal(500);
      expect(await tasks.until(() => counter >= 1000, 1_000)).to.equal(false);
      expect(tasks.now).to.equal(1_500);
    });
  });

  it('propagates a scenario failure', async () => {
    const tasks = new VirtualTasks(new Scheduler());
    let caught: unknown = null;
    try {
      await tasks.drive(async () => {
        await tasks.sleep(10);
        throw new Error('checkOneLeader: no leader');
      });
    } catch (error) {
      caught = error;
    }
    expect(String(caught)).to.match(/no leader/);
  });

  it('fails clearly when a scenario awaits something that is not virtual time', async () => {
    const tasks = new VirtualTasks(new Scheduler());
    let caught: unknown = null;
    try {
      await tasks.drive(() => new Promise<void>(() => undefined));
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(SimulationError);
  });
});
