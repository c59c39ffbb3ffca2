import { assert, fail, unreachable } from './assert.js';
import type { Effect, Instance, Program } from './program.js';
import type { EventTarget, Scheduler, SimEvent } from './scheduler.js';
import { Persister } from './storage.js';
import type { Micros } from './time.js';
import { NO_BYTES, type Trace } from './trace.js';

/** Trailing bytes of each persisted state fed to the trace hash. */
const PERSIST_HASH_TAIL = 32;

/**
 * Someone watching every host from outside (the safety monitors): told after each input a node
 * handled, around its persists (with the Raft state bytes just saved) and sends, and of crashes
 * and restarts.
 */
export interface HostObserver<M> {
  afterInput(node: number): void;
  afterPersist(node: number, raftState: Uint8Array): void;
  beforeSend(node: number, to: number, message: M): void;
  /** A message is about to be handled (coverage reads the receiver's state before it). */
  beforeDeliver?(node: number, from: number, message: M): void;
  /** Told just before the node crashes. */
  onCrash(node: number): void;
  onRestart(node: number): void;
}

/** What a host needs from the world around it. */
export interface HostEnvironment<M, A> {
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  readonly nodes: number;
  readonly observer: HostObserver<M> | null;
  send(from: number, to: number, message: M): void;
  applied(node: number, message: A): void;
  nodeSeed(node: number): number;
  /** How long the save the node is about to make takes (0: at once, the default disk). */
  saveLatency(node: number): Micros;
  /** The node reached its crash point inside an input: crash it now, as the world does. */
  crashInside(node: number, detail: string): void;
}

/** A node booted on saved state that a disk fault had damaged, and did not notice. */
export class DamagedBootError extends Error {
  override readonly name = 'DamagedBootError';
  constructor(
    readonly node: number,
    message: string,
  ) {
    super(message);
  }
}

/** A save waiting on a slow disk: the effects of the input from that save on. */
interface DiskWait {
  readonly effects: readonly Effect<unknown, unknown>[];
  readonly from: number;
}

/**
 * One machine: runs one incarnation of a program at a time and executes its effects in order.
 * A crash discards the instance and its timers and bumps the incarnation, which also voids every
 * message still in flight to it; the persister survives as a copy the dead instance cannot reach.
 */
export class Host<M, A, I extends Instance<M, A> = Instance<M, A>> implements EventTarget {
  private current: I | null = null;
  // invariant: incarnation grows by one per boot; events carry the incarnation they were for.
  private incarnationNumber = 0;
  private persisterNow = new Persister();
  private readonly timers = new Map<string, SimEvent>();
  private busy = false;
  /** Inputs waiting while the machine is paused or waits on its disk; null when it runs. */
  private held: (() => void)[] | null = null;
  private pausedNow = false;
  /** The pending end of a slow save, or null. */
  private diskWait: SimEvent | null = null;
  private readonly disk: EventTarget = { fire: (event) => this.saveLanded(event) };
  /** An armed crash point: effects of the next input to perform before dying. */
  private crashPoint: number | null = null;
  /** Saves the node performs before it dies at the next one (crashAtSave); null: none armed. */
  private savesToCrash: number | null = null;
  /** Effects the current input may still perform before the node dies (null: no crash due). */
  private countdown: number | null = null;
  /** What a disk fault did to the saved files since the last boot, or null if they are whole. */
  private damage: string | null = null;
  /**
   * How fast this machine's clock runs, per mille of real time (1000: exact). Timers a node sets
   * take afterMicros of its own time. A property of the machine: it survives crashes.
   */
  clockRatePerMille = 1000;
  private readonly queued: ((instance: I) => readonly Effect<M, A>[])[] = [];

  constructor(
    readonly id: number,
    private readonly program: Program<M, A, I>,
    private readonly env: HostEnvironment<M, A>,
  ) {}

  get alive(): boolean {
    return this.current !== null;
  }

  get incarnation(): number {
    return this.incarnationNumber;
  }

  get persister(): Persister {
    return this.persisterNow;
  }

  /** The running instance, for scenario code that reads its state (getState in the lab). */
  get instance(): I | null {
    return this.current;
  }

  /** Whether a disk fault damaged the saved files (the node then refuses to boot). */
  get damaged(): boolean {
    return this.damage !== null;
  }

  /**
   * Boots a new instance from the persister (or from `persister`, which the host then keeps).
   * Returns false if the node refused to boot on saved files a disk fault damaged: it stays
   * down, and the trace says why. A refusal on undamaged files is the program's error, and
   * booting on damaged files without noticing is a DamagedBootError.
   */
  boot(persister?: Persister): boolean {
    assert(this.current === null, `boot of node ${this.id}, which is running`);
    if (persister !== undefined) {
      this.persisterNow = persister;
      this.damage = null;
    }
    this.incarnationNumber++;
    let instance: I;
    try {
      instance = this.program.boot({
        id: this.id,
        nodes: this.env.nodes,
        raftState: this.persisterNow.readRaftState(),
        snapshot: this.persisterNow.readSnapshot(),
        seed: this.env.nodeSeed(this.id),
      });
    } catch (error) {
      const why = this.program.bootRefusal?.(error) ?? null;
      if (why === null || this.damage === null) throw error;
      this.env.trace.record(
        this.env.scheduler.now,
        'note',
        this.id,
        -1,
        0,
        `refuses to boot: ${why}`,
      );
      return false;
    }
    if (this.damage !== null) {
      const what = `node ${this.id} booted on damaged saved state (${this.damage})`;
      throw new DamagedBootError(this.id, what);
    }
    this.current = instance;
    this.run((i) => i.start());
    return true;
  }

  /** A disk fault changed the saved files while the node was down. */
  markDamaged(what: string): void {
    assert(this.current === null, `disk damage on node ${this.id}, which is running`);
    this.damage = what;
  }

  /** The node dies after `afterEffects` effects of the next input it handles. */
  armCrash(afterEffects: number): void {
    assert(Number.isSafeInteger(afterEffects) && afterEffects >= 0, `crash point ${afterEffects}`);
    if (this.current !== null) this.crashPoint = afterEffects;
  }

  /** The node performs `saves` saves, then dies as the next is about to reach the disk. */
  armCrashAtSave(saves: number): void {
    assert(Number.isSafeInteger(saves) && saves >= 0, `crash at save ${saves}`);
    if (this.current !== null) this.savesToCrash = saves;
  }

  /** Whether a crash point waits for the node's next input or save. */
  get crashArmed(): boolean {
    return this.crashPoint !== null || this.savesToCrash !== null;
  }

  disarmCrash(): void {
    this.crashPoint = null;
    this.savesToCrash = null;
  }

  /**
   * The machine stops running (a long GC pause, a stalled VM): messages and timers that reach it
   * wait, in order, until it resumes. Nothing is lost; everything is late.
   */
  pause(): void {
    if (this.current === null || this.pausedNow) return;
    this.pausedNow = true;
    this.held ??= [];
  }

  resume(): void {
    this.pausedNow = false;
    this.releaseHeld();
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  crash(): void {
    assert(this.current !== null, `crash of node ${this.id}, which is down`);
    this.held = null;
    this.pausedNow = false;
    if (this.diskWait !== null) this.diskWait.cancelled = true;
    this.diskWait = null;
    this.crashPoint = null;
    this.savesToCrash = null;
    this.countdown = null;
    for (const timer of this.timers.values()) timer.cancelled = true;
    this.timers.clear();
    this.queued.length = 0;
    this.current = null;
    this.persisterNow = this.persisterNow.copy();
    this.incarnationNumber++;
  }

  /**
   * Feeds the instance one input. Inputs that arrive while effects are being executed (a
   * service calling snapshot() from its apply handler) wait their turn, so no effect list
   * is ever interleaved with another.
   */
  run(input: (instance: I) => readonly Effect<M, A>[]): void {
    const instance = this.current;
    if (instance === null) return;
    if (this.held !== null) {
      this.held.push(() => this.run(input));
      return;
    }
    if (this.busy) {
      this.queued.push(input);
      return;
    }
    this.handle(() => input(instance));
  }

  /** A message arrives (the hot path: no closure unless the host is busy). */
  deliver(from: number, message: M): void {
    const instance = this.current;
    if (instance === null) return;
    if (this.held !== null) {
      this.held.push(() => this.deliver(from, message));
      return;
    }
    this.env.observer?.beforeDeliver?.(this.id, from, message);
    if (this.busy) {
      this.queued.push((i) => i.message(from, message));
      return;
    }
    this.beginInput();
    let done: boolean;
    try {
      done = this.proceed(instance.message(from, message), 0);
    } finally {
      this.busy = false;
    }
    if (done) this.env.observer?.afterInput(this.id);
  }

  /** Timer events: `a` is the incarnation that set it, the payload its name. */
  fire(event: SimEvent): void {
    const name = event.payload as string;
    const instance = this.current;
    if (event.a !== this.incarnationNumber || instance === null) return;
    if (this.timers.get(name) !== event) fail(`stale timer ${name} fired on node ${this.id}`);
    if (this.held !== null) {
      // Replayed on resume only if no input replayed before it re-armed or cancelled it.
      this.held.push(() => {
        if (this.timers.get(name) === event) this.fire(event);
      });
      return;
    }
    if (this.busy) fail(`timer ${name} fired inside an input on node ${this.id}`);
    this.timers.delete(name);
    this.env.trace.record(this.env.scheduler.now, 'timer', this.id, -1, 0, name);
    this.handle(() => instance.timer(name));
  }

  /**
   * Runs one input. The observer hears of it once it is done: an input waiting on its disk is
   * not (what it changed is not yet saved, and a crash may still lose it).
   */
  private handle(input: () => readonly Effect<M, A>[]): void {
    this.beginInput();
    let done: boolean;
    try {
      done = this.proceed(input(), 0);
    } finally {
      this.busy = false;
    }
    if (done) this.env.observer?.afterInput(this.id);
  }

  /** An input starts: an armed crash point now counts its effects. */
  private beginInput(): void {
    this.busy = true;
    if (this.crashPoint === null) return;
    this.countdown = this.crashPoint;
    this.crashPoint = null;
  }

  /**
   * Executes effects from `from` on, then the inputs queued meanwhile; stops where a save waits
   * on a slow disk (saveLanded goes on from there). `landed`: effects[from] is a save whose
   * latency is over. False while the input waits on the disk.
   */
  private proceed(effects: readonly Effect<M, A>[], from: number, landed = false): boolean {
    if (!this.execute(effects, from, landed)) return false;
    while (this.queued.length > 0 && this.current !== null) {
      const next = this.queued.shift() as (instance: I) => readonly Effect<M, A>[];
      if (!this.execute(next(this.current), 0, false)) return false;
    }
    // An input with fewer effects than its crash point is performed whole; then the node dies.
    if (this.countdown !== null && this.current !== null) this.crashHere('after its whole input');
    return true;
  }

  /** Performs effects in order; false if it stopped at a save that waits on the disk. */
  private execute(effects: readonly Effect<M, A>[], from: number, landed: boolean): boolean {
    for (let k = from; k < effects.length; k++) {
      if (this.current === null) return true; // crashed: the rest never happens
      const effect = effects[k] as Effect<M, A>;
      if (effect.kind === 'persist' && !(landed && k === from)) {
        if (this.savesToCrash !== null && this.savesToCrash-- === 0) {
          this.crashHere('as a save was about to reach the disk');
          return true;
        }
        const latency = this.env.saveLatency(this.id);
        if (latency > 0) {
          this.waitForDisk(latency, effects, k);
          return false;
        }
      }
      if (this.countdown !== null && this.countdown-- === 0) {
        this.crashHere(`inside an input, before its effect ${effect.kind}`);
        return true;
      }
      this.perform(effect);
    }
    return true;
  }

  private crashHere(detail: string): void {
    this.countdown = null;
    this.savesToCrash = null;
    this.env.crashInside(this.id, detail);
  }

  /** The node handles nothing until the save lands: what arrives meanwhile waits, in order. */
  private waitForDisk(latency: Micros, effects: readonly Effect<M, A>[], from: number): void {
    this.held ??= [];
    const wait: DiskWait = { effects, from };
    this.diskWait = this.env.scheduler.after(latency, this.disk, this.incarnationNumber, 0, wait);
  }

  /** A slow save is over: it happens now, then the rest of its input and what waited. */
  private saveLanded(event: SimEvent): void {
    if (event.a !== this.incarnationNumber || this.current === null) return;
    this.diskWait = null;
    const wait = event.payload as DiskWait;
    const effects = wait.effects as readonly Effect<M, A>[];
    const goOn = () => {
      this.busy = true;
      let done: boolean;
      try {
        done = this.proceed(effects, wait.from, true);
      } finally {
        this.busy = false;
      }
      if (done) this.env.observer?.afterInput(this.id);
    };
    if (this.pausedNow) (this.held as (() => void)[]).unshift(goOn);
    else goOn();
    this.releaseHeld();
  }

  /** Replays what waited, in order, once the machine neither is paused nor waits on its disk. */
  private releaseHeld(): void {
    if (this.pausedNow || this.diskWait !== null || this.held === null) return;
    const held = this.held;
    this.held = null;
    for (const input of held) input();
  }

  private perform(effect: Effect<M, A>): void {
    const env = this.env;
    switch (effect.kind) {
      case 'send':
        env.observer?.beforeSend(this.id, effect.to, effect.message);
        env.send(this.id, effect.to, effect.message);
        return;
      case 'setTimer': {
        if (effect.afterMicros < 0) fail(`negative timer ${effect.name} on node ${this.id}`);
        this.cancelTimer(effect.name);
        // A drifting clock: the node means afterMicros of its own time.
        const delay =
          this.clockRatePerMille === 1000
            ? effect.afterMicros
            : Math.round((effect.afterMicros * 1000) / this.clockRatePerMille);
        const event = env.scheduler.after(delay, this, this.incarnationNumber, 0, effect.name);
        this.timers.set(effect.name, event);
        return;
      }
      case 'cancelTimer':
        this.cancelTimer(effect.name);
        return;
      case 'persist':
        this.persisterNow.save(effect.raftState, effect.snapshot);
        env.trace.record(
          env.scheduler.now,
          'persist',
          this.id,
          -1,
          effect.raftState.length,
          effect.snapshot === null ? '' : `snapshot ${effect.snapshot.length}B`,
          // The state follows from the hashed messages and timers; its length and tail (where a
          // checksum usually sits) pin it without rehashing a whole log on every persist.
          effect.raftState.subarray(Math.max(0, effect.raftState.length - PERSIST_HASH_TAIL)),
        );
        env.observer?.afterPersist(this.id, effect.raftState);
        return;
      case 'apply': {
        const index = this.program.applyIndex(effect.message);
        const detail = env.trace.wantsDetail ? this.program.describeApply(effect.message) : '';
        // The detail is for readers only (built when someone listens): hash the index alone.
        env.trace.record(env.scheduler.now, 'apply', this.id, -1, index, detail, NO_BYTES);
        env.applied(this.id, effect.message);
        return;
      }
      case 'note':
        env.trace.record(env.scheduler.now, 'note', this.id, -1, 0, effect.text);
        return;
      default:
        unreachable(effect);
    }
  }

  private cancelTimer(name: string): void {
    const pending = this.timers.get(name);
    if (pending === undefined) return;
    pending.cancelled = true;
    this.timers.delete(name);
  }
}
