import { NodePanicError, unreachable } from './assert.js';
import type { CrashPoint } from './crash-point.js';
import type { HostEnvironment } from './host-environment.js';
import type { Effect, Program } from './program.js';
import type { EventTarget, SimEvent } from './scheduler.js';
import type { Persister } from './storage.js';
import type { Micros } from './time.js';
import { NO_BYTES } from './trace.js';

/** Trailing bytes of each persisted state fed to the trace hash. */
const PERSIST_HASH_TAIL = 32;

/** What performing an effect reads of its host, as it is at that moment. */
export interface PerformingHost extends EventTarget {
  readonly id: number;
  readonly alive: boolean;
  readonly incarnation: number;
  readonly persister: Persister;
  /** How fast the machine's clock runs, per mille of real time (timers run on it). */
  readonly clockRatePerMille: number;
}

/** The host stops at a save that waits `latency` on its disk, at effects[from]. */
export type WaitForDisk<M, A> = (
  latency: Micros,
  effects: readonly Effect<M, A>[],
  from: number,
) => void;

/**
 * Performs one host's effects in order: sends go to the world, timers to the scheduler (the
 * host hears them fire), saves to the persister, applies to the world's listeners, and each
 * leaves its line in the trace. A save on a slow disk stops the input until it lands, and an
 * armed crash point kills the node in the middle. Keeps the node's pending timers by name.
 */
export class EffectPerformer<M, A> {
  private readonly timers = new Map<string, SimEvent>();

  constructor(
    private readonly host: PerformingHost,
    private readonly program: Pick<Program<M, A>, 'applyIndex' | 'describeApply'>,
    private readonly env: HostEnvironment<M, A>,
    private readonly crashPoint: CrashPoint,
    private readonly waitForDisk: WaitForDisk<M, A>,
  ) {}

  /**
   * Performs effects from `from` on; false if it stopped at a save that waits on the disk.
   * `landed`: effects[from] is a save whose latency is over.
   */
  execute(effects: readonly Effect<M, A>[], from: number, landed: boolean): boolean {
    for (let k = from; k < effects.length; k++) {
      if (!this.host.alive) return true; // crashed: the rest never happens
      const effect = effects[k] as Effect<M, A>;
      if (effect.kind === 'persist' && !(landed && k === from)) {
        if (this.crashPoint.reachedSave()) {
          this.crashHere('as a save was about to reach the disk');
          return true;
        }
        const latency = this.env.saveLatency(this.host.id);
        if (latency > 0) {
          this.waitForDisk(latency, effects, k);
          return false;
        }
      }
      if (this.crashPoint.reached()) {
        this.crashHere(`inside an input, before its effect ${effect.kind}`);
        return true;
      }
      this.perform(effect);
    }
    return true;
  }

  /** An input with fewer effects than its crash point is performed whole; then the node dies. */
  crashIfDue(): void {
    if (this.crashPoint.due && this.host.alive) this.crashHere('after its whole input');
  }

  private crashHere(detail: string): void {
    this.crashPoint.spend();
    this.env.crashInside(this.host.id, detail);
  }

  /** Whether `event` is the timer `name` as last set (not re-armed or cancelled since). */
  isPending(name: string, event: SimEvent): boolean {
    return this.timers.get(name) === event;
  }

  /** The timer `name` fired: it is pending no more. */
  timerFired(name: string): void {
    this.timers.delete(name);
  }

  /** The node died: none of its timers will fire. */
  cancelAllTimers(): void {
    for (const timer of this.timers.values()) timer.cancelled = true;
    this.timers.clear();
  }

  private perform(effect: Effect<M, A>): void {
    const env = this.env;
    const id = this.host.id;
    switch (effect.kind) {
      case 'send':
        env.observer?.beforeSend(id, effect.to, effect.message);
        env.send(id, effect.to, effect.message);
        return;
      case 'setTimer':
        this.setTimer(effect.name, effect.afterMicros);
        return;
      case 'cancelTimer':
        this.cancelTimer(effect.name);
        return;
      case 'persist':
        this.persist(effect.raftState, effect.snapshot);
        return;
      case 'apply': {
        const index = this.program.applyIndex(effect.message);
        const detail = env.trace.wantsDetail ? this.program.describeApply(effect.message) : '';
        // The detail is for readers only (built when someone listens): hash the index alone.
        env.trace.record(env.scheduler.now, 'apply', id, -1, index, detail, NO_BYTES);
        env.applied(id, effect.message);
        return;
      }
      case 'note':
        env.trace.record(env.scheduler.now, 'note', id, -1, 0, effect.text);
        return;
      default:
        unreachable(effect);
    }
  }

  private setTimer(name: string, afterMicros: number): void {
    const host = this.host;
    if (afterMicros < 0)
      throw new NodePanicError(host.id, `node ${host.id} set timer ${name} ${afterMicros} µs ago`);
    this.cancelTimer(name);
    // A drifting clock: the node means afterMicros of its own time.
    const delay =
      host.clockRatePerMille === 1000
        ? afterMicros
        : Math.round((afterMicros * 1000) / host.clockRatePerMille);
    const event = this.env.scheduler.after(delay, host, host.incarnation, 0, name);
    this.timers.set(name, event);
  }

  private cancelTimer(name: string): void {
    const pending = this.timers.get(name);
    if (pending === undefined) return;
    pending.cancelled = true;
    this.timers.delete(name);
  }

  private persist(raftState: Uint8Array, snapshot: Uint8Array | null): void {
    const env = this.env;
    const id = this.host.id;
    // A snapshot handed over again unchanged costs nothing; a new one is written whole.
    const newSnapshot = snapshot !== null && !this.host.persister.holdsSnapshot(snapshot);
    env.scheduler.chargeSave(raftState.length + (newSnapshot ? snapshot.length : 0));
    this.host.persister.save(raftState, snapshot);
    env.trace.record(
      env.scheduler.now,
      'persist',
      id,
      -1,
      raftState.length,
      snapshot === null ? '' : `snapshot ${snapshot.length}B`,
      // The state follows from the hashed messages and timers; its length and tail (where a
      // checksum usually sits) pin it without rehashing a whole log on every persist.
      raftState.subarray(Math.max(0, raftState.length - PERSIST_HASH_TAIL)),
    );
    env.observer?.afterPersist(id, raftState, snapshot ?? NO_BYTES); // null saves none (Go's Save)
  }
}
