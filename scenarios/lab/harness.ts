import { longReordering, reliable, unreliable } from '../../sim/profiles.js';
import type { RandomStream } from '../../sim/random.js';
import { VirtualTasks } from '../../sim/tasks.js';
import { formatMicros, millis, seconds, type Micros } from '../../sim/time.js';
import { World } from '../../sim/world.js';
import type { RaftMonitor } from '../../sim/monitors/raft-monitor.js';
import { attachMonitor, rawRaftBinding } from '../../sim/run/monitor.js';
import type { RaftMessage } from '../../raft/messages.js';
import type { RaftNode } from '../../raft/node.js';
import type { MutantId } from '../../raft/mutants.js';
import { raftProgram } from '../../raft/program.js';
import type { Program } from '../../sim/program.js';
import type { ApplyMsg } from '../../raft/types.js';
import { Applier } from './applier.js';
import { make, type ApplyCh, type Raft } from './facade.js';
import { Persister } from '../../sim/storage.js';
import type { LabValue } from './values.js';

/** The lab's election-timeout allowance: tests sleep multiples of it. */
export const ELECTION_TIMEOUT = millis(1000);
/** The lab fails a test that runs longer than this (here on virtual time). */
export const TEST_LIMIT = seconds(120);

export interface StartResult {
  readonly index: number;
  readonly term: number;
  readonly isLeader: boolean;
}

export class LabFailure extends Error {
  override readonly name = 'LabFailure';
}

export interface LabOptions {
  readonly servers: number;
  readonly reliable: boolean;
  /** Runs the 3D snapshotting service instead of the plain applier. */
  readonly snapshot: boolean;
  readonly seed: number;
  /** Runs a deliberately broken Raft (raft/mutants.ts). */
  readonly mutant?: MutantId;
  /** Runs this Raft instead (a test's own broken variant); `mutant` is then ignored. */
  readonly program?: Program<RaftMessage, ApplyMsg, RaftNode>;
}

/**
 * The lab's test configuration, on virtual time: servers that can be connected, disconnected,
 * crashed and restarted; the applied-log record with its checks on every apply; the counters.
 */
export class LabCluster {
  readonly world: World<RaftMessage, ApplyMsg, RaftNode>;
  readonly tasks: VirtualTasks;
  /** The harness's own choices (random commands, sleeps): the `lab` stream. */
  readonly random: RandomStream;
  readonly n: number;
  readonly seed: number;
  readonly applier: Applier;
  /** The lab's cfg.rafts: the live peers (null while killed) and their saved state. */
  readonly rafts: (Raft | null)[];
  private readonly saved: Persister[];
  readonly monitor: RaftMonitor;
  private readonly connected: boolean[];
  private isReliable = true;
  private longReorderingOn = false;
  private readonly begun = { at: 0, rpcs: 0, bytes: 0, maxIndex: 0 };

  constructor(options: LabOptions) {
    this.n = options.servers;
    this.seed = options.seed;
    this.world = new World({
      nodes: options.servers,
      seed: options.seed,
      profile: reliable,
      program: options.program ?? raftProgram({}, options.mutant ?? null),
      // labrpc checks a call's link when the request leaves and when the reply leaves only.
      delivery: 'labrpc',
    });
    this.tasks = new VirtualTasks(this.world.scheduler);
    this.random = this.world.streams.get('lab');
    this.connected = new Array<boolean>(this.n).fill(true);
    this.applier = new Applier(this.n, options.snapshot, (server, index, bytes) =>
      this.rafts[server]?.snapshot(index, bytes),
    );
    // Each peer's applyCh feeds the applier; a killed peer's is gone with it.
    this.world.onApply((server, message) => this.rafts[server]?.applyCh.send(message));
    // Every lab test also runs under the online safety monitors.
    this.monitor = attachMonitor(this.world, rawRaftBinding<RaftNode>(this.n));
    this.setReliable(options.reliable);
    this.saved = Array.from({ length: this.n }, () => new Persister());
    this.rafts = this.saved.map((persister, i) => make(this.world, i, persister, this.applyCh(i)));
  }

  private applyCh(i: number): ApplyCh {
    return { send: (message) => this.applier.apply(i, message) };
  }

  get now(): Micros {
    return this.tasks.now;
  }

  sleep(delay: Micros): Promise<void> {
    return this.tasks.sleep(delay);
  }

  isConnected(i: number): boolean {
    return this.connected[i] === true;
  }

  isAlive(i: number): boolean {
    return this.rafts[i] !== null;
  }

  /** Joins server i to every connected server. */
  connect(i: number): void {
    this.connected[i] = true;
    this.updateLinks(i);
  }

  /** Cuts server i off from everyone. */
  disconnect(i: number): void {
    this.connected[i] = false;
    this.updateLinks(i);
  }

  /**
   * kill(i): disconnect it and kill it; what it persisted is kept as a fresh copy, so nothing the
   * dead instance still holds can change what a restart reads.
   */
  crash1(i: number): void {
    this.disconnect(i);
    const raft = this.rafts[i];
    if (raft === null || raft === undefined) return;
    raft.kill();
    this.rafts[i] = null;
    this.saved[i] = this.world.host(i).persister.copy();
  }

  /** A fresh server made from the saved copy (the 3D service restores its snapshot first). */
  start1(i: number): void {
    this.crash1(i);
    const persister = (this.saved[i] as Persister).copy();
    this.saved[i] = persister;
    this.applier.restart(i, persister.readSnapshot());
    this.rafts[i] = make(this.world, i, persister, this.applyCh(i));
  }

  /** The lab's kill(srvs): each server in turn is cut off and killed (see crash1). */
  kill(servers: readonly number[]): void {
    for (const i of servers) this.crash1(i);
  }

  /** The lab's restart(srvs): all start from their saved state, then each is connected. */
  restart(servers: readonly number[]): void {
    for (const i of servers) this.start1(i);
    for (const i of servers) this.connect(i);
  }

  /** Every server, for kill(all) and restart(all). */
  all(): number[] {
    return Array.from({ length: this.n }, (_, i) => i);
  }

  setReliable(isReliable: boolean): void {
    this.isReliable = isReliable;
    this.applyProfile();
  }

  setLongReordering(on: boolean): void {
    this.longReorderingOn = on;
    this.applyProfile();
  }

  /** rafts[i].Start(value); a dead server says it is not leader. */
  start(i: number, value: LabValue): StartResult {
    return this.rafts[i]?.start(value) ?? { index: -1, term: -1, isLeader: false };
  }

  /** A live server's (term, isLeader); a dead one is no leader. */
  getState(i: number): { term: number; isLeader: boolean } {
    return this.rafts[i]?.getState() ?? { term: 0, isLeader: false };
  }

  randomValue(): number {
    return this.random.int(0, 0x7fff_ffff);
  }

  rpcCount(i: number): number {
    return this.world.network.requestsDelivered[i] ?? 0;
  }

  rpcTotal(): number {
    return this.world.network.requestsDelivered.reduce((a, b) => a + b, 0);
  }

  bytesTotal(): number {
    return this.world.network.requestBytes + this.world.network.replyBytes;
  }

  /** The largest Raft state (log and metadata, no snapshot) any server holds now. */
  logSize(): number {
    return Math.max(...this.world.hosts.map((host) => host.persister.raftStateSize()));
  }

  fail(message: string): never {
    throw new LabFailure(`${message} (seed ${this.seed}, at ${formatMicros(this.now)})`);
  }

  begin(): void {
    this.begun.at = this.now;
    this.begun.rpcs = this.rpcTotal();
    this.begun.bytes = this.bytesTotal();
    this.begun.maxIndex = this.applier.maxIndex;
  }

  /** The handout's "Passed" line, plus the seed; fails a test over the lab's time limit. */
  end(): string {
    const elapsed = this.now - this.begun.at;
    if (this.now > TEST_LIMIT) this.fail(`test took longer than ${formatMicros(TEST_LIMIT)}`);
    this.applier.throwIfFailed();
    const secs = (elapsed / 1e6).toFixed(1).padStart(5);
    const rpcs = String(this.rpcTotal() - this.begun.rpcs).padStart(5);
    const bytes = String(this.bytesTotal() - this.begun.bytes).padStart(8);
    const commits = String(this.applier.maxIndex - this.begun.maxIndex).padStart(4);
    return `  ... Passed --  time ${secs}s  #peers ${this.n}  #RPCs ${rpcs}  #bytes ${bytes}  #commits ${commits}  seed ${this.seed}`;
  }

  /** labrpc's two switches, reliable and long reordering, are independent: compose them. */
  private applyProfile(): void {
    const base = this.isReliable ? reliable : unreliable;
    if (!this.longReorderingOn) return this.world.setProfile(base);
    this.world.setProfile({
      ...base,
      name: `${base.name}+longReordering`,
      longReorderPerMille: longReordering.longReorderPerMille,
    });
  }

  private updateLinks(i: number): void {
    const verb = this.connected[i] === true ? 'connect' : 'disconnect';
    this.world.trace.record(this.now, 'link', i, -1, 0, `${verb} ${i}`);
    for (let j = 0; j < this.n; j++) {
      if (j === i) continue;
      const up = this.connected[i] === true && this.connected[j] === true;
      this.world.network.setLink(i, j, up);
      this.world.network.setLink(j, i, up);
    }
  }
}
