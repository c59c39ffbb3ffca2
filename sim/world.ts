import { fail, NodePanicError } from './assert.js';
import { DEFAULT_MAX_HELD_PER_LINK, HeldMessages } from './held-messages.js';
import type { HostEnvironment, HostObserver } from './host-environment.js';
import { Host } from './host.js';
import type { FaultStep, TimedFault } from './nemesis.js';
import {
  DEFAULT_DELIVERY,
  LINK_STALLED,
  LINK_UP,
  LOST,
  Network,
  type DeliveryRule,
} from './network.js';
import type { NetworkProfile } from './profiles.js';
import type { Instance, Program } from './program.js';
import { Streams, type RandomStream } from './random.js';
import {
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_PENDING,
  DEFAULT_MAX_SAVED_BYTES,
  Scheduler,
  type EventTarget,
  type SimEvent,
} from './scheduler.js';
import type { Persister } from './storage.js';
import type { Micros } from './time.js';
import { Trace } from './trace.js';
import { WorldFaults } from './world-faults.js';

export interface WorldConfig<M, A, I extends Instance<M, A>> {
  readonly nodes: number;
  readonly seed: number;
  readonly program: Program<M, A, I>;
  readonly profile: NetworkProfile;
  readonly maxEvents?: number;
  /** Events pending at once, at most (the scheduler's DEFAULT_MAX_PENDING). */
  readonly maxPending?: number;
  /** Bytes of Raft state saved, all nodes together, at most (DEFAULT_MAX_SAVED_BYTES). */
  readonly maxSavedBytes?: number;
  /** Messages one stalled link may hold, at most (DEFAULT_MAX_HELD_PER_LINK). */
  readonly maxHeldPerLink?: number;
  /**
   * Partitions and isolation apply among nodes below this (default: all). The nodes above are
   * clients that stay reachable from every side, as real clients of a partitioned cluster are.
   */
  readonly faultDomain?: number;
  /** When links are checked (see DeliveryRule); DEFAULT_DELIVERY when absent. */
  readonly delivery?: DeliveryRule;
}

/** Delivery events pack both ends into `a`; nodes are far fewer than this. */
const ENDPOINT_SPAN = 1 << 12;

/**
 * A cluster in its simulated world: the clock, the named random streams, the network, one host
 * per node and the trace. Messages are encoded when sent and decoded on delivery, and a
 * message reaches its node only if the link is up when it leaves and, under the 'connection'
 * delivery rule, when it arrives (a stalled link holds it until released), and the node has not
 * crashed in between.
 */
export class World<M, A, I extends Instance<M, A> = Instance<M, A>>
  implements EventTarget, HostEnvironment<M, A>
{
  readonly scheduler: Scheduler;
  readonly streams: Streams;
  readonly network: Network;
  readonly trace = new Trace();
  readonly hosts: Host<M, A, I>[];
  readonly nodes: number;
  readonly faultDomain: number;
  readonly delivery: DeliveryRule;
  /** The 'connection' rule: a message whose link went down while it flew is lost. */
  private readonly checksAtArrival: boolean;
  private readonly program: Program<M, A, I>;
  private readonly applyListeners: ((node: number, message: A) => void)[] = [];
  /** Applies faults and keeps what they leave behind (profile, knobs, slow disks). */
  private readonly faults: WorldFaults;
  /** The safety monitors, when attached: told of every input, persist, send, crash, restart. */
  observer: HostObserver<M> | null = null;
  /** Who leads now, for faults aimed at the leader; null when the program has no leaders. */
  leaderResolver: (() => number | null) | null = null;
  /** Deliveries waiting on stalled links. */
  private readonly held: HeldMessages;
  /** Save latencies, drawn on first use so that runs without slow disks draw nothing. */
  private disk: RandomStream | null = null;
  /** Send times of messages in flight, kept only while someone watches the trace. */
  private readonly sentAt = new WeakMap<Uint8Array, number>();

  constructor(config: WorldConfig<M, A, I>) {
    if (!(config.nodes >= 1 && config.nodes < ENDPOINT_SPAN))
      fail(`bad cluster size ${config.nodes}`);
    this.nodes = config.nodes;
    this.faultDomain = config.faultDomain ?? config.nodes;
    this.delivery = config.delivery ?? DEFAULT_DELIVERY;
    this.checksAtArrival = this.delivery === 'connection';
    this.program = config.program;
    this.scheduler = new Scheduler(
      config.maxEvents ?? DEFAULT_MAX_EVENTS,
      config.maxPending ?? DEFAULT_MAX_PENDING,
      config.maxSavedBytes ?? DEFAULT_MAX_SAVED_BYTES,
    );
    this.held = new HeldMessages(config.nodes, config.maxHeldPerLink ?? DEFAULT_MAX_HELD_PER_LINK);
    this.streams = new Streams(config.seed);
    this.network = new Network(config.nodes, this.streams.get('network'), config.profile);
    this.hosts = Array.from(
      { length: config.nodes },
      (_, id) => new Host(id, config.program, this),
    );
    this.faults = new WorldFaults(this, config.profile);
  }

  /** Boots every node (call once, after listeners are attached). */
  start(): void {
    for (const host of this.hosts) host.boot();
  }

  onApply(listener: (node: number, message: A) => void): void {
    this.applyListeners.push(listener);
  }

  applied(node: number, message: A): void {
    for (const listener of this.applyListeners) listener(node, message);
  }

  nodeSeed(node: number): number {
    return this.streams.get(`node-${node}`).uint32();
  }

  send(from: number, to: number, message: M): void {
    if (!(to >= 0 && to < this.nodes && to !== from))
      throw new NodePanicError(from, `node ${from} sends to no such peer ${to}`);
    const isReply = this.program.isReply(message);
    const bytes = this.program.codec.encode(message);
    if (this.trace.wantsDetail) this.sentAt.set(bytes, this.scheduler.now);
    const network = this.network;
    const delay =
      (network.linkState(from, to) & LINK_UP) !== 0 ? network.fate(isReply, bytes.length) : LOST;
    if (delay === LOST) {
      this.traceMessage('loss', from, to, bytes, message);
      return;
    }
    const endpoints = from * ENDPOINT_SPAN + to;
    const incarnation = (this.hosts[to] as Host<M, A, I>).incarnation;
    this.scheduler.post(delay, this, endpoints, incarnation, bytes);
    if (network.duplicateDelay !== LOST) {
      this.scheduler.post(network.duplicateDelay, this, endpoints, incarnation, bytes);
    }
  }

  /** A message arrives. */
  fire(event: SimEvent): void {
    const from = Math.floor(event.a / ENDPOINT_SPAN);
    const to = event.a % ENDPOINT_SPAN;
    const bytes = event.payload as Uint8Array;
    const host = this.hosts[to] as Host<M, A, I>;
    const link = this.network.linkState(from, to);
    if ((link & LINK_STALLED) !== 0 && host.alive && host.incarnation === event.b) {
      const held = { endpoints: event.a, incarnation: event.b, bytes };
      this.held.hold(from, to, held, this.scheduler.now);
      return;
    }
    const cutInFlight = link !== LINK_UP && this.checksAtArrival;
    if (!host.alive || host.incarnation !== event.b || cutInFlight) {
      this.traceMessage('drop', from, to, bytes, null);
      return;
    }
    const message = this.program.codec.decode(bytes);
    if (!this.program.isReply(message)) this.network.requestsDelivered[to]!++;
    this.traceMessage('deliver', from, to, bytes, message);
    host.deliver(from, message);
  }

  crash(node: number, detail = ''): void {
    this.observer?.onCrash(node); // told first, while the node's last state can still be seen
    this.host(node).crash();
    this.trace.record(this.scheduler.now, 'crash', node, -1, 0, detail);
  }

  /** Boots a crashed node from what it persisted (or from the given persister). */
  restart(node: number, persister?: Persister): void {
    this.trace.record(this.scheduler.now, 'restart', node, -1, 0, '');
    if (this.host(node).boot(persister)) this.observer?.onRestart(node);
  }

  host(node: number): Host<M, A, I> {
    const host = this.hosts[node];
    if (host === undefined) fail(`no node ${node} in a cluster of ${this.nodes}`);
    return host;
  }

  saveLatency(node: number): Micros {
    const max = this.faults.diskMaxMicros(node);
    if (max === 0) return 0;
    this.disk ??= this.streams.get('disk');
    return this.disk.int(1, max);
  }

  crashInside(node: number, detail: string): void {
    this.crash(node, detail);
  }

  /**
   * The stalls ended (only a release ends them): what waited goes on at once, in the order it
   * arrived, and is dropped on delivery if its node restarted or (under the 'connection' rule)
   * its link is down.
   */
  deliverHeld(): void {
    for (const held of this.held.releaseAll()) {
      this.scheduler.post(0, this, held.endpoints, held.incarnation, held.bytes);
    }
  }

  /** Applies one fault now. Crashing a dead node or restarting a live one does nothing. */
  applyFault(step: FaultStep): void {
    this.faults.apply(step);
  }

  /** Queues a schedule of faults at their virtual times. */
  scheduleFaults(schedule: readonly TimedFault[]): void {
    this.faults.schedule(schedule);
  }

  /** Switches the network's behaviour for every message sent from now on (knobs stay on). */
  setProfile(profile: NetworkProfile): void {
    this.faults.setProfile(profile);
  }

  /** Every knob off again (the liveness phase's healed network). */
  clearKnobs(): void {
    this.faults.clearKnobs();
  }

  /** Every disk fast again and every crash point disarmed (the liveness phase's machines). */
  calmMachines(): void {
    this.faults.calmMachines();
  }

  private traceMessage(
    kind: 'deliver' | 'drop' | 'loss',
    from: number,
    to: number,
    bytes: Uint8Array,
    message: M | null,
  ): void {
    const trace = this.trace;
    let detail = '';
    if (trace.wantsDetail) {
      detail = this.program.describe(message ?? this.program.codec.decode(bytes));
    }
    const sentAt = trace.wantsDetail ? (this.sentAt.get(bytes) ?? -1) : -1;
    trace.record(this.scheduler.now, kind, to, from, bytes.length, detail, bytes, sentAt);
  }
}
