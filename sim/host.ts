import { assert, fail, unreachable } from './assert.js';
import type { Effect, Instance, Program } from './program.js';
import type { EventTarget, Scheduler, SimEvent } from './scheduler.js';
import { Persister } from './storage.js';
import { NO_BYTES, type Trace } from './trace.js';

/** Trailing bytes of each persisted state fed to the trace hash. */
const PERSIST_HASH_TAIL = 32;

/**
 * Someone watching every host from outside (the safety monitors): told after each input a node
 * handled, around its persists and sends, and of crashes and restarts.
 */
export interface HostObserver<M> {
  afterInput(node: number): void;
  afterPersist(node: number): void;
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
  /** Inputs waiting while the machine is paused; null when it runs. */
  private held: (() => void)[] | null = null;
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

  /** Boots a new instance from the persister (or from `persister`, which the host then keeps). */
  boot(persister?: Persister): void {
    assert(this.current === null, `boot of node ${this.id}, which is running`);
    if (persister !== undefined) this.persisterNow = persister;
    this.incarnationNumber++;
    this.current = this.program.boot({
      id: this.id,
      nodes: this.env.nodes,
      raftState: this.persisterNow.readRaftState(),
      snapshot: this.persisterNow.readSnapshot(),
      seed: this.env.nodeSeed(this.id),
    });
    this.run((instance) => instance.start());
  }

  /**
   * The machine stops running (a long GC pause, a stalled VM): messages and timers that reach it
   * wait, in order, until it resumes. Nothing is lost; everything is late.
   */
  pause(): void {
    if (this.current !== null && this.held === null) this.held = [];
  }

  resume(): void {
    const held = this.held;
    this.held = null;
    if (held !== null) for (const input of held) input();
  }

  get paused(): boolean {
    return this.held !== null;
  }

  crash(): void {
    assert(this.current !== null, `crash of node ${this.id}, which is down`);
    this.held = null;
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
    this.busy = true;
    try {
      this.execute(input(instance));
      this.drainQueued();
    } finally {
      this.busy = false;
    }
    this.env.observer?.afterInput(this.id);
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
    this.busy = true;
    try {
      this.execute(instance.message(from, message));
      this.drainQueued();
    } finally {
      this.busy = false;
    }
    this.env.observer?.afterInput(this.id);
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
    this.busy = true;
    try {
      this.execute(instance.timer(name));
      this.drainQueued();
    } finally {
      this.busy = false;
    }
    this.env.observer?.afterInput(this.id);
  }

  private drainQueued(): void {
    while (this.queued.length > 0 && this.current !== null) {
      const next = this.queued.shift() as (instance: I) => readonly Effect<M, A>[];
      this.execute(next(this.current));
    }
  }

  private execute(effects: readonly Effect<M, A>[]): void {
    for (const effect of effects) {
      if (this.current === null) return; // crashed by an apply handler: the rest never happens
      this.perform(effect);
    }
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
        env.observer?.afterPersist(this.id);
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
