import type { Clerk } from '../../raft/kv/clerk.js';
import type { ClerkReturn, KvOp } from '../../raft/kv/types.js';
import type { KvNode } from '../../raft/kv/program.js';
import type { KvInput, KvOutput, Operation } from '../check/index.js';
import type { RandomStream } from '../random.js';
import type { EventTarget, Scheduler, SimEvent } from '../scheduler.js';
import { formatMicros, type Micros } from '../time.js';
import { EventCapError } from '../assert.js';

export interface WorkloadOptions {
  readonly clerks: number;
  readonly keys: number;
  /** Share of operations that are gets. */
  readonly getPerMille: number;
  /**
   * Share of the other operations (the writes) that are appends rather than versioned puts.
   * Absent or 0: puts only, and no draw for it, so configurations written before appends
   * existed replay as they did.
   */
  readonly appendPerMille?: number;
  /**
   * Share of puts that name a version the clerk did not see: one past the version it knows
   * (ErrNoKey on a key it knows as missing, else ErrVersion unless its knowledge is stale), or
   * one before it. They exercise the refusals that puts of the known version never reach.
   * Absent or 0: no draw for it, so configurations without it replay as they did.
   */
  readonly strayPerMille?: number;
  /**
   * Share of puts that write the empty value: a key that holds '' is a key that exists (version
   * 1 and up), which a service that tests a value for emptiness takes for a missing one. Absent
   * or 0: no draw for it, so configurations without it replay as they did.
   */
  readonly blankPerMille?: number;
  /** Pause between a return and the clerk's next call, drawn uniformly. */
  readonly thinkMinMicros: Micros;
  readonly thinkMaxMicros: Micros;
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  clerks: 3,
  keys: 5,
  getPerMille: 500,
  thinkMinMicros: 0,
  thinkMaxMicros: 20_000,
};

interface OpenCall {
  readonly index: number;
  readonly seq: number;
}

/**
 * Drives the clerks from the `workload` stream and records every call and return with its
 * virtual times: the history the linearizability checker reads. Each clerk runs one call at a
 * time; puts use the version the clerk last saw for the key, so some fail with ErrVersion, as
 * a real client of a versioned store would. Appends are not idempotent: a command the service
 * executed twice shows in every later read of the key, which is why they are in the mix.
 * A clerk that has read a value past LONG_VALUE characters puts instead of appending to it (a
 * client trimming a list that grew long): every get returns the whole value, so unbounded
 * values would make a history of many reads cost memory and check time quadratic in its length.
 */
/** Past this many characters read, a clerk's next write to the key is a put (see Workload). */
export const LONG_VALUE = 4096;

/**
 * Client calls one run records, at most. A history costs about a kilobyte of memory per call
 * (the call, the monitors' and the checker's records of it), so a workload of a hundred clerks
 * that never think would fill the heap long before the event cap; past this (about a gigabyte)
 * the run ends as a storm instead. The fuzzer's busiest runs make a few tens of thousands.
 */
export const MAX_CALLS = 1_000_000;

export class Workload implements EventTarget {
  readonly history: Operation<KvInput, KvOutput>[] = [];
  private readonly open: (OpenCall | null)[];
  private readonly knownVersion: Map<string, number>[];
  /** The length of the value each clerk last read, per key. */
  private readonly knownLength: Map<string, number>[];
  private readonly calls: number[];
  private issuing = true;

  constructor(
    private readonly options: WorkloadOptions,
    private readonly firstClerk: number,
    private readonly scheduler: Scheduler,
    private readonly random: RandomStream,
    private readonly clerk: (node: number) => {
      run(input: (c: KvNode) => ReturnType<Clerk['invoke']>): void;
    },
  ) {
    this.open = new Array<null>(options.clerks).fill(null);
    this.knownVersion = Array.from({ length: options.clerks }, () => new Map<string, number>());
    this.knownLength = Array.from({ length: options.clerks }, () => new Map<string, number>());
    this.calls = new Array<number>(options.clerks).fill(0);
  }

  /** Starts every clerk after its first think time. */
  start(): void {
    for (let c = 0; c < this.options.clerks; c++) this.scheduler.after(this.think(), this, c);
  }

  /** Stops issuing new calls; open ones run on to their return. */
  stopIssuing(): void {
    this.issuing = false;
  }

  /** One more call per clerk (a get), to show progress after the faults heal. */
  issueFinalGets(): void {
    for (let c = 0; c < this.options.clerks; c++) {
      if (this.open[c] === null) this.invoke(c, { kind: 'get', key: this.key(c) });
    }
  }

  get pending(): number {
    return this.open.filter((call) => call !== null).length;
  }

  fire(event: SimEvent): void {
    if (!this.issuing || this.open[event.a] !== null) return;
    if (this.history.length >= MAX_CALLS) {
      throw new EventCapError(
        `call cap reached: ${MAX_CALLS} client calls by ${formatMicros(this.scheduler.now)}` +
          ' (a workload too heavy to record and check: fewer clerks, longer think times)',
      );
    }
    this.invoke(event.a, this.nextOp(event.a));
  }

  /**
   * The input of the call the clerk at `node` has open under `seq`, or null. A reply's seq is the
   * clerk's call number on the wire, the number the workload gave the call.
   */
  openCall(node: number, seq: number): KvInput | null {
    const call = this.open[node - this.firstClerk];
    if (call === null || call === undefined || call.seq !== seq) return null;
    return (this.history[call.index] as Operation<KvInput, KvOutput>).input;
  }

  /** A clerk's return (its `apply` effect). */
  returned(node: number, ret: ClerkReturn): void {
    const c = node - this.firstClerk;
    const call = this.open[c];
    if (call === null || call === undefined || call.seq !== ret.seq) return;
    this.open[c] = null;
    const { err, version } = ret.result;
    const known = this.knownVersion[c] as Map<string, number>;
    if (ret.op.kind === 'get') known.set(ret.op.key, err === 'OK' ? version : 0);
    if (ret.op.kind === 'get') this.knownLength[c]?.set(ret.op.key, ret.result.value.length);
    else if (ret.op.kind === 'put' && err === 'OK') known.set(ret.op.key, ret.op.version + 1);
    else if (err === 'OK') known.set(ret.op.key, version); // the version the append installed
    const entry = this.history[call.index] as Operation<KvInput, KvOutput>;
    // An append that may or may not have happened is an open call: it took effect after its
    // call, or never (only an append answered OK is done within its interval).
    const unsure = ret.op.kind === 'append' && err !== 'OK';
    this.history[call.index] = unsure
      ? entry
      : { ...entry, return: this.scheduler.now, output: outputOf(ret) };
    if (this.issuing) this.scheduler.after(this.think(), this, c);
  }

  private invoke(c: number, op: KvOp): void {
    const seq = ++this.calls[c]!;
    this.open[c] = { index: this.history.length, seq };
    const input = inputOf(op);
    this.history.push({ client: c, call: this.scheduler.now, return: null, input, output: null });
    this.clerk(this.firstClerk + c).run((node) => (node as Clerk).invoke(op));
  }

  private nextOp(c: number): KvOp {
    const key = this.key(c);
    if (this.random.perMille(this.options.getPerMille)) return { kind: 'get', key };
    const appends = this.options.appendPerMille ?? 0;
    // Values are unique per call; an append's ends in ';' so a key's value reads as a list.
    const value = `c${c}.${this.calls[c]! + 1}`;
    const long = (this.knownLength[c]?.get(key) ?? 0) > LONG_VALUE;
    if (appends > 0 && this.random.perMille(appends) && !long)
      return { kind: 'append', key, value: `${value};` };
    const version = (this.knownVersion[c] as Map<string, number>).get(key) ?? 0;
    const blank = this.options.blankPerMille ?? 0;
    const written = blank > 0 && this.random.perMille(blank) ? '' : value;
    return { kind: 'put', key, value: written, version: this.strayed(version) };
  }

  /** The version a put names: the one the clerk knows, or now and then one beside it. */
  private strayed(known: number): number {
    const stray = this.options.strayPerMille ?? 0;
    if (stray === 0 || !this.random.perMille(stray)) return known;
    return known > 0 && this.random.perMille(500) ? known - 1 : known + 1;
  }

  private key(_c: number): string {
    return `k${this.random.int(0, this.options.keys - 1)}`;
  }

  private think(): Micros {
    return this.random.int(this.options.thinkMinMicros, this.options.thinkMaxMicros);
  }
}

function inputOf(op: KvOp): KvInput {
  switch (op.kind) {
    case 'get':
      return { op: 'get', key: op.key };
    case 'put':
      return { op: 'put', key: op.key, value: op.value, version: op.version };
    case 'append':
      return { op: 'append', key: op.key, value: op.value };
  }
}

function outputOf(ret: ClerkReturn): KvOutput {
  const { err, value, version } = ret.result;
  return ret.op.kind === 'get' && err === 'OK' ? { err, value, version } : { err };
}
