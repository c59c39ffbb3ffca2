import { assert, EventCapError, fail } from './assert.js';
import { formatMicros, type Micros } from './time.js';

/** Whatever an event is addressed to. One method keeps the hot loop monomorphic. */
export interface EventTarget {
  fire(event: SimEvent): void;
}

/**
 * One pending event. `a`, `b` and `payload` are the target's to interpret, so the scheduler
 * allocates nothing but this record per event.
 */
export class SimEvent {
  cancelled = false;
  constructor(
    public time: Micros,
    public seq: number,
    public target: EventTarget,
    public a: number,
    public b: number,
    public payload: unknown,
    /** Posted events are recycled after they fire: nobody may hold on to them. */
    public pooled: boolean,
  ) {}
}

/** `64 GiB` for a whole number of GiB, else the byte count. */
function bytesText(bytes: number): string {
  return bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3} GiB` : `${bytes} bytes`;
}

/** Total order of the queue: time, then insertion sequence (every tie broken explicitly). */
function before(x: SimEvent, y: SimEvent): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

export const DEFAULT_MAX_EVENTS = 50_000_000;
/**
 * Pending events allowed at once. A busy cluster keeps a few thousand (timers, messages in
 * flight); a storm that piles up messages faster than they drain reaches this within a second
 * of wall time, at a few hundred megabytes at most, long before the heap runs out.
 */
export const DEFAULT_MAX_PENDING = 500_000;
/**
 * Bytes of Raft state saved, all nodes together, at most. A save writes the whole state (the
 * lab's Persister), so a log that is never compacted makes each save longer than the last, and
 * a busy run's saves grow quadratic: past this (from half a minute to a few minutes of copying,
 * by how many saves share it) the run is a storm, like one past the event cap, rather than a run
 * of hours. The busiest of 1,500 swarm runs saved 0.9 GB, seventy times less.
 */
export const DEFAULT_MAX_SAVED_BYTES = 64 * 1024 ** 3;
/** Recycled event records kept for reuse; more than enough for any cluster's traffic. */
const POOL_LIMIT = 4096;

/**
 * The virtual clock and its event queue: a binary min-heap ordered by (time, seq).
 * Cancelled events stay in the heap and are skipped when popped (cheaper than removal).
 */
export class Scheduler {
  private nowMicros: Micros = 0;
  private nextSeq = 0;
  private readonly heap: SimEvent[] = [];
  private readonly pool: SimEvent[] = [];
  private executed = 0;
  private peak = 0;
  // invariant: executed <= maxEvents; exceeding it fails the run instead of spinning forever.
  readonly maxEvents: number;
  // invariant: pending <= maxPending; exceeding it fails the run before memory runs out.
  readonly maxPending: number;
  private saved = 0;
  /** The executed count at which the progress observer runs next (never, without one). */
  private progressAt = Number.POSITIVE_INFINITY;
  private progressEvery = 0;
  private progress: (() => void) | null = null;
  // invariant: saved <= maxSavedBytes; exceeding it fails the run (DEFAULT_MAX_SAVED_BYTES).
  readonly maxSavedBytes: number;

  constructor(
    maxEvents: number = DEFAULT_MAX_EVENTS,
    maxPending: number = DEFAULT_MAX_PENDING,
    maxSavedBytes: number = DEFAULT_MAX_SAVED_BYTES,
  ) {
    assert(Number.isSafeInteger(maxEvents) && maxEvents > 0, `bad maxEvents ${maxEvents}`);
    assert(Number.isSafeInteger(maxPending) && maxPending > 0, `bad maxPending ${maxPending}`);
    assert(Number.isSafeInteger(maxSavedBytes) && maxSavedBytes > 0, `bad maxSavedBytes`);
    this.maxEvents = maxEvents;
    this.maxSavedBytes = maxSavedBytes;
    this.maxPending = maxPending;
  }

  get now(): Micros {
    return this.nowMicros;
  }

  /** Events executed so far (cancelled ones are not counted). */
  get eventsExecuted(): number {
    return this.executed;
  }

  /** Pending entries, cancelled ones included. */
  get pending(): number {
    return this.heap.length;
  }

  /** The most entries ever pending at once. */
  get peakPending(): number {
    return this.peak;
  }

  /** Schedules an event and returns its handle, which can be cancelled until it fires. */
  at(time: Micros, target: EventTarget, a = 0, b = 0, payload: unknown = null): SimEvent {
    this.checkTime(time);
    const event = new SimEvent(time, this.nextSeq++, target, a, b, payload, false);
    this.push(event);
    return event;
  }

  /**
   * Schedules an event that cannot be cancelled, from a pool of recycled records: the hot path
   * for message deliveries, which would otherwise allocate one record per message.
   */
  post(delay: Micros, target: EventTarget, a: number, b: number, payload: unknown): void {
    const time = this.nowMicros + delay;
    this.checkTime(time);
    const recycled = this.pool.pop();
    if (recycled === undefined) {
      this.push(new SimEvent(time, this.nextSeq++, target, a, b, payload, true));
      return;
    }
    recycled.time = time;
    recycled.seq = this.nextSeq++;
    recycled.target = target;
    recycled.a = a;
    recycled.b = b;
    recycled.payload = payload;
    this.push(recycled);
  }

  after(delay: Micros, target: EventTarget, a = 0, b = 0, payload: unknown = null): SimEvent {
    return this.at(this.nowMicros + delay, target, a, b, payload);
  }

  /** Runs the next live event; false when the queue is empty. */
  step(): boolean {
    for (;;) {
      const event = this.pop();
      if (event === undefined) return false;
      if (event.cancelled) continue;
      this.execute(event);
      return true;
    }
  }

  /** Runs every event due at or before `time`, then moves the clock to `time`. */
  runUntilTime(time: Micros): void {
    assert(time >= this.nowMicros, `cannot run back to ${time} from ${this.nowMicros}`);
    for (;;) {
      const head = this.heap[0];
      if (head === undefined || head.time > time) break;
      this.pop();
      if (!head.cancelled) this.execute(head);
    }
    this.nowMicros = time;
  }

  /**
   * Runs events until `done()` holds (checked before each event) or the clock would pass
   * `deadline`. Returns whether the condition was reached.
   */
  runUntil(done: () => boolean, deadline: Micros): boolean {
    while (!done()) {
      const head = this.heap[0];
      if (head === undefined || head.time > deadline) {
        this.nowMicros = Math.max(this.nowMicros, deadline);
        return false;
      }
      this.pop();
      if (!head.cancelled) this.execute(head);
    }
    return true;
  }

  /**
   * Calls `observe` after every `every` events executed. It is for a progress line: it must read
   * the clock and counters only, so that a run is the same event for event with it or without.
   */
  observeProgress(every: number, observe: () => void): void {
    assert(Number.isSafeInteger(every) && every > 0, `bad progress interval ${every}`);
    this.progressEvery = every;
    this.progressAt = this.executed + every;
    this.progress = observe;
  }

  /** Bytes of Raft state saved so far, all nodes together. */
  get savedBytes(): number {
    return this.saved;
  }

  /** Counts a save of `bytes` against the run's cap; past it, throws an EventCapError. */
  chargeSave(bytes: number): void {
    this.saved += bytes;
    if (this.saved > this.maxSavedBytes) {
      throw new EventCapError(
        `save cap reached: ${bytesText(this.maxSavedBytes)} of Raft state saved by ${formatMicros(this.nowMicros)}` +
          ' (a log never compacted under a heavy load: set maxRaftStateBytes; or a save loop)',
      );
    }
  }

  private checkTime(time: Micros): void {
    if (!Number.isSafeInteger(time)) fail(`event time must be an integer, got ${time}`);
    if (time < this.nowMicros) fail(`event at ${time} is in the past (now ${this.nowMicros})`);
  }

  private execute(event: SimEvent): void {
    if (this.executed >= this.maxEvents) {
      throw new EventCapError(
        `event cap reached: ${this.maxEvents} events executed by ${formatMicros(this.nowMicros)}` +
          ' (raise maxEvents, or look for a livelock)',
      );
    }
    this.executed++;
    this.nowMicros = event.time;
    event.target.fire(event);
    if (this.executed === this.progressAt) this.reportProgress();
    if (event.pooled && this.pool.length < POOL_LIMIT) {
      event.payload = null; // let the message bytes go
      this.pool.push(event);
    }
  }

  private reportProgress(): void {
    this.progressAt += this.progressEvery;
    this.progress?.();
  }

  private push(event: SimEvent): void {
    const heap = this.heap;
    let i = heap.length;
    if (i >= this.peak) this.tallyPeak(i + 1);
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as SimEvent;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  private tallyPeak(pending: number): void {
    if (pending > this.maxPending) {
      throw new EventCapError(
        `pending-event cap reached: ${this.maxPending} events waiting at ${formatMicros(this.nowMicros)}` +
          ` after ${this.executed} executed (messages pile up faster than they drain)`,
      );
    }
    this.peak = pending;
  }

  private pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      let c = heap[left] as SimEvent;
      if (right < n && before(heap[right] as SimEvent, c)) {
        child = right;
        c = heap[right] as SimEvent;
      }
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
