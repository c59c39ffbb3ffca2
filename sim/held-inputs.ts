import type { SimEvent } from './scheduler.js';

/**
 * The inputs a machine cannot take yet, while it is paused (a long GC pause, a stalled VM) or
 * waits on a slow save: held in the order they arrived, and replayed once the machine neither
 * is paused nor waits on its disk. Nothing is lost; everything is late.
 */
export class HeldInputs {
  /** Inputs waiting while the machine is paused or waits on its disk; null when it runs. */
  private held: (() => void)[] | null = null;
  private pausedNow = false;
  /** The pending end of a slow save, or null. */
  private diskWait: SimEvent | null = null;

  /** Whether an input that arrives now must wait (then `hold` it). */
  get holding(): boolean {
    return this.held !== null;
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  /** An input waits its turn (only while `holding`). */
  hold(input: () => void): void {
    (this.held as (() => void)[]).push(input);
  }

  pause(): void {
    if (this.pausedNow) return;
    this.pausedNow = true;
    this.held ??= [];
  }

  resume(): void {
    this.pausedNow = false;
    this.release();
  }

  /** A save waits on the disk until `landing` fires: nothing else runs until then. */
  waitForDisk(landing: SimEvent): void {
    this.held ??= [];
    this.diskWait = landing;
  }

  /**
   * The slow save landed: `goOn` (the rest of its input) runs first, now or as soon as the
   * machine resumes, and then what waited.
   */
  landed(goOn: () => void): void {
    this.diskWait = null;
    if (this.pausedNow) (this.held as (() => void)[]).unshift(goOn);
    else goOn();
    this.release();
  }

  /** The machine crashed: what waited is lost, and the save never lands. */
  clear(): void {
    this.held = null;
    this.pausedNow = false;
    if (this.diskWait !== null) this.diskWait.cancelled = true;
    this.diskWait = null;
  }

  /** Replays what waited, in order, once the machine neither is paused nor waits on its disk. */
  private release(): void {
    if (this.pausedNow || this.diskWait !== null || this.held === null) return;
    const held = this.held;
    this.held = null;
    for (const input of held) input();
  }
}
