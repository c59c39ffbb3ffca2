import { assert, fail, NodePanicError } from './assert.js';
import { CrashPoint } from './crash-point.js';
import { EffectPerformer } from './effect-performer.js';
import { HeldInputs } from './held-inputs.js';
import type { HostEnvironment } from './host-environment.js';
import type { Effect, Instance, Program } from './program.js';
import type { EventTarget, SimEvent } from './scheduler.js';
import { Persister } from './storage.js';
import type { Micros } from './time.js';

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
  private busy = false;
  /** Inputs that arrive while the machine is paused or waits on its disk. */
  private readonly waiting = new HeldInputs();
  private readonly disk: EventTarget = { fire: (event) => this.saveLanded(event) };
  private readonly crashPoint = new CrashPoint();
  /** What a disk fault did to the saved files since the last boot, or null if they are whole. */
  private damage: string | null = null;
  /**
   * How fast this machine's clock runs, per mille of real time (1000: exact). Timers a node sets
   * take afterMicros of its own time. A property of the machine: it survives crashes.
   */
  clockRatePerMille = 1000;
  private readonly queued: ((instance: I) => readonly Effect<M, A>[])[] = [];
  /** Performs the effects and keeps the timers of every incarnation. */
  private readonly effects: EffectPerformer<M, A>;

  constructor(
    readonly id: number,
    private readonly program: Program<M, A, I>,
    private readonly env: HostEnvironment<M, A>,
  ) {
    this.effects = new EffectPerformer(this, program, env, this.crashPoint, (latency, effects, k) =>
      this.waitForDisk(latency, effects, k),
    );
  }

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
   * booting on damaged files without noticing, or crashing on them with any other error, is a
   * DamagedBootError.
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
      if (this.damage === null) throw error;
      if (why === null) {
        // Throwing while reading damaged files is not refusing them: the program read them as
        // if they were whole, and a different damage could as well have booted.
        const cause = error instanceof Error ? error.message : String(error);
        const what = `node ${this.id} crashed booting on damaged saved state (${this.damage}) instead of refusing it: ${cause}`;
        throw new DamagedBootError(this.id, what);
      }
      const env = this.env;
      env.trace.record(env.scheduler.now, 'note', this.id, -1, 0, `refuses to boot: ${why}`);
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
  /** Disk faults left the saved files exactly as saved (one undid another). */
  markWhole(): void {
    assert(this.current === null, `disk repair on node ${this.id}, which is running`);
    this.damage = null;
  }

  markDamaged(what: string): void {
    assert(this.current === null, `disk damage on node ${this.id}, which is running`);
    this.damage = what;
  }

  /** The node dies after `afterEffects` effects of the next input it handles. */
  armCrash(afterEffects: number): void {
    assert(Number.isSafeInteger(afterEffects) && afterEffects >= 0, `crash point ${afterEffects}`);
    if (this.current !== null) this.crashPoint.arm(afterEffects);
  }

  /** The node performs `saves` saves, then dies as the next is about to reach the disk. */
  armCrashAtSave(saves: number): void {
    assert(Number.isSafeInteger(saves) && saves >= 0, `crash at save ${saves}`);
    if (this.current !== null) this.crashPoint.armAtSave(saves);
  }

  /** Whether a crash point waits for the node's next input or save. */
  get crashArmed(): boolean {
    return this.crashPoint.armed;
  }

  disarmCrash(): void {
    this.crashPoint.disarm();
  }

  /**
   * The machine stops running (a long GC pause, a stalled VM): messages and timers that reach it
   * wait, in order, until it resumes. Nothing is lost; everything is late.
   */
  pause(): void {
    if (this.current === null) return;
    this.waiting.pause();
  }

  resume(): void {
    this.waiting.resume();
  }

  get paused(): boolean {
    return this.waiting.paused;
  }

  crash(): void {
    assert(this.current !== null, `crash of node ${this.id}, which is down`);
    this.waiting.clear();
    this.crashPoint.clear();
    this.effects.cancelAllTimers();
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
    if (this.waiting.holding) {
      this.waiting.hold(() => this.run(input));
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
    if (this.waiting.holding) {
      this.waiting.hold(() => this.deliver(from, message));
      return;
    }
    if (this.busy) {
      // The observer hears of the message when it is handled, just before, like any other.
      this.queued.push((i) => {
        this.env.observer?.beforeDeliver?.(this.id, from, message);
        return i.message(from, message);
      });
      return;
    }
    this.env.observer?.beforeDeliver?.(this.id, from, message);
    this.beginInput();
    let done: boolean;
    try {
      // step()'s guard, written out: no closure per delivered message.
      let effects: readonly Effect<M, A>[];
      try {
        effects = instance.message(from, message);
      } catch (error) {
        throw this.panicOf(error);
      }
      done = this.proceed(effects, 0);
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
    if (!this.effects.isPending(name, event)) fail(`stale timer ${name} fired on node ${this.id}`);
    if (this.waiting.holding) {
      // Replayed on resume only if no input replayed before it re-armed or cancelled it.
      this.waiting.hold(() => {
        if (this.effects.isPending(name, event)) this.fire(event);
      });
      return;
    }
    if (this.busy) fail(`timer ${name} fired inside an input on node ${this.id}`);
    this.effects.timerFired(name);
    this.env.trace.record(this.env.scheduler.now, 'timer', this.id, -1, 0, name);
    this.handle(() => instance.timer(name));
  }

  /**
   * Runs one input. The observer hears of it once it is done: an input waiting on its disk is
   * not (what it changed is not yet saved, and a crash may still lose it).
   */
  private handle(input: () => readonly Effect<M, A>[]): void {
    this.beginInput();
    this.finishInput(input, 0, false);
  }

  /** Goes on with an input (`busy` is set) from effect `from`; tells the observer when done. */
  private finishInput(input: () => readonly Effect<M, A>[], from: number, landed: boolean): void {
    let done: boolean;
    try {
      done = this.proceed(this.step(input), from, landed);
    } finally {
      this.busy = false;
    }
    if (done) this.env.observer?.afterInput(this.id);
  }

  /** Runs the node's own code for one input (see panicOf). */
  private step(produce: () => readonly Effect<M, A>[]): readonly Effect<M, A>[] {
    try {
      return produce();
    } catch (error) {
      throw this.panicOf(error);
    }
  }

  /**
   * What the node's own code threw, as it goes on: JavaScript's errors for a slip in the code
   * (a field read off `undefined`, an array length out of range, a name never bound) are the
   * node's panic, as an index out of range is a Go Raft's, and so is what the program says is
   * one (Program.panicOf); anything else (the node's own assertions, a damaged disk, the
   * simulator's) goes on as it is.
   */
  private panicOf(error: unknown): unknown {
    const slip =
      error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError;
    if (slip)
      return new NodePanicError(this.id, `node ${this.id} threw ${error.name}: ${error.message}`);
    const panic = this.program.panicOf?.(error) ?? null;
    return panic === null ? error : new NodePanicError(this.id, `node ${this.id} ${panic}`);
  }

  /** An input starts: an armed crash point now counts its effects. */
  private beginInput(): void {
    this.busy = true;
    this.crashPoint.begin();
  }

  /**
   * Executes effects from `from` on, then the inputs queued meanwhile; stops where a save waits
   * on a slow disk (saveLanded goes on from there). `landed`: effects[from] is a save whose
   * latency is over. False while the input waits on the disk.
   */
  private proceed(effects: readonly Effect<M, A>[], from: number, landed = false): boolean {
    if (!this.effects.execute(effects, from, landed)) return false;
    while (this.queued.length > 0 && this.current !== null) {
      const next = this.queued.shift() as (instance: I) => readonly Effect<M, A>[];
      const current = this.current;
      const produced = this.step(() => next(current));
      if (!this.effects.execute(produced, 0, false)) return false;
    }
    this.effects.crashIfDue();
    return true;
  }

  /** The node handles nothing until the save lands: what arrives meanwhile waits, in order. */
  private waitForDisk(latency: Micros, effects: readonly Effect<M, A>[], from: number): void {
    const wait: DiskWait = { effects, from };
    const landing = this.env.scheduler.after(latency, this.disk, this.incarnationNumber, 0, wait);
    this.waiting.waitForDisk(landing);
  }

  /** A slow save is over: it happens now, then the rest of its input and what waited. */
  private saveLanded(event: SimEvent): void {
    if (event.a !== this.incarnationNumber || this.current === null) return;
    const wait = event.payload as DiskWait;
    const effects = wait.effects as readonly Effect<M, A>[];
    this.waiting.landed(() => {
      this.busy = true;
      this.finishInput(() => effects, wait.from, true);
    });
  }
}
