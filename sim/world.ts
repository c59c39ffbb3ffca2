import { assert, EventCapError, fail, unreachable } from './assert.js';
import { Host, type HostEnvironment, type HostObserver } from './host.js';
import { describeFault, type FaultStep, type TimedFault } from './nemesis.js';
import {
  DEFAULT_DELIVERY,
  LINK_STALLED,
  LINK_UP,
  LOST,
  Network,
  type DeliveryRule,
} from './network.js';
import { profileByName, withKnobs, type NetworkProfile } from './profiles.js';
import type { Instance, Program } from './program.js';
import { Streams, type RandomStream } from './random.js';
import { damageSaved } from './disk.js';
import {
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_PENDING,
  Scheduler,
  type EventTarget,
  type SimEvent,
} from './scheduler.js';
import type { Persister } from './storage.js';
import { formatMicros, type Micros } from './time.js';
import { Trace } from './trace.js';

export interface WorldConfig<M, A, I extends Instance<M, A>> {
  readonly nodes: number;
  readonly seed: number;
  readonly program: Program<M, A, I>;
  readonly profile: NetworkProfile;
  readonly maxEvents?: number;
  /** Events pending at once, at most (the scheduler's DEFAULT_MAX_PENDING). */
  readonly maxPending?: number;
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

/** The faults aimed at whoever leads when they apply. */
type LeaderFault = Extract<
  FaultStep,
  { kind: 'isolateLeader' | 'crashLeader' | 'stallLeader' | 'partitionLeader' }
>;

type LinkFault = Extract<
  FaultStep,
  { kind: 'partition' | 'cut' | 'stall' | 'release' | 'isolate' | 'heal' | 'bridge' }
>;
type LifeFault = Extract<
  FaultStep,
  { kind: 'crash' | 'restart' | 'restartCrashed' | 'crashMidInput' | 'crashAtSave' | 'damage' }
>;
type MachineFault = Extract<FaultStep, { kind: 'pause' | 'resume' | 'clock' | 'slowDisk' }>;

/** A delivery that reached a stalled link: its event's fields (events are pooled). */
interface HeldDelivery {
  readonly endpoints: number;
  readonly incarnation: number;
  readonly bytes: Uint8Array;
}

/**
 * Messages a stalled link holds before the run fails as a storm. Held messages leave the event
 * queue, so the pending-event cap does not see them; a link stalled for seconds under a busy
 * workload holds a few thousand.
 */
export const DEFAULT_MAX_HELD_PER_LINK = 100_000;

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
  private readonly nemesis: EventTarget;
  /** The safety monitors, when attached: told of every input, persist, send, crash, restart. */
  observer: HostObserver<M> | null = null;
  /** Who leads now, for faults aimed at the leader; null when the program has no leaders. */
  leaderResolver: (() => number | null) | null = null;
  private baseProfile: NetworkProfile;
  private readonly knobs = { duplicate: false, longDelay: false, longReorder: false };
  /** Deliveries waiting on stalled links, in the order they arrived there. */
  private stalled: HeldDelivery[] = [];
  /** Per node, the longest a save takes (0: at once); slowDisk faults set it. */
  private readonly diskMaxMicros: number[];
  /** Save latencies, drawn on first use so that runs without slow disks draw nothing. */
  private disk: RandomStream | null = null;
  /** How many of `stalled` each link holds (index from * nodes + to). */
  private readonly heldPerLink: Uint32Array;
  private readonly maxHeldPerLink: number;
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
    );
    this.heldPerLink = new Uint32Array(config.nodes * config.nodes);
    this.maxHeldPerLink = config.maxHeldPerLink ?? DEFAULT_MAX_HELD_PER_LINK;
    this.streams = new Streams(config.seed);
    this.network = new Network(config.nodes, this.streams.get('network'), config.profile);
    this.baseProfile = config.profile;
    this.hosts = Array.from(
      { length: config.nodes },
      (_, id) => new Host(id, config.program, this),
    );
    this.diskMaxMicros = new Array<number>(config.nodes).fill(0);
    this.nemesis = { fire: (event) => this.applyFault(event.payload as FaultStep) };
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
    if (!(to >= 0 && to < this.nodes && to !== from)) fail(`node ${from} sends to bad node ${to}`);
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
      this.hold(from, to, { endpoints: event.a, incarnation: event.b, bytes });
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

  private hold(from: number, to: number, held: HeldDelivery): void {
    const slot = from * this.nodes + to;
    const count = ++this.heldPerLink[slot]!;
    if (count > this.maxHeldPerLink) {
      throw new EventCapError(
        `held-message cap reached: link ${from}->${to} holds ${this.maxHeldPerLink} messages` +
          ` at ${formatMicros(this.scheduler.now)}`,
      );
    }
    this.stalled.push(held);
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
    const max = this.diskMaxMicros[node] as number;
    if (max === 0) return 0;
    this.disk ??= this.streams.get('disk');
    return this.disk.int(1, max);
  }

  crashInside(node: number, detail: string): void {
    this.crash(node, detail);
  }

  /** Applies one fault now. Crashing a dead node or restarting a live one does nothing. */
  applyFault(step: FaultStep): void {
    switch (step.kind) {
      case 'partition':
      case 'cut':
      case 'stall':
      case 'release':
      case 'isolate':
      case 'heal':
      case 'bridge':
        this.applyLinkFault(step);
        this.trace.record(this.scheduler.now, 'link', -1, -1, 0, describeFault(step));
        return;
      case 'crash':
      case 'restart':
      case 'restartCrashed':
      case 'crashMidInput':
      case 'crashAtSave':
      case 'damage':
        this.applyLifeFault(step);
        return;
      case 'isolateLeader':
      case 'crashLeader':
      case 'stallLeader':
      case 'partitionLeader':
        this.applyToLeader(step);
        return;
      case 'pause':
      case 'resume':
      case 'clock':
      case 'slowDisk':
        this.applyMachineFault(step);
        return;
      case 'profile': {
        const profile = profileByName(step.profile);
        if (profile === undefined) fail(`unknown network profile ${step.profile}`);
        this.setProfile(profile);
        return;
      }
      case 'knob':
        this.knobs[step.knob] = step.on;
        this.setProfile(this.baseProfile);
        return;
      default:
        unreachable(step);
    }
  }

  private applyLinkFault(step: LinkFault): void {
    switch (step.kind) {
      case 'partition':
        this.network.partition(step.groups, this.faultDomain);
        return;
      case 'cut':
        this.network.setLink(step.from, step.to, false);
        return;
      case 'stall':
        this.network.stall(step.from, step.to);
        return;
      case 'release':
        this.network.releaseStalls();
        this.deliverHeld();
        return;
      case 'isolate':
        this.network.isolate(step.node, this.faultDomain);
        return;
      case 'heal':
        this.network.heal();
        return;
      case 'bridge':
        this.network.partition([[...step.left, step.bridge], step.right], this.faultDomain);
        for (const other of step.right) {
          this.network.setLink(step.bridge, other, true);
          this.network.setLink(other, step.bridge, true);
        }
        return;
      default:
        unreachable(step);
    }
  }

  /** Crashes and restarts, in all their forms. Restarting disarms a crash point not reached. */
  private applyLifeFault(step: LifeFault): void {
    switch (step.kind) {
      case 'crash':
        if (this.host(step.node).alive) this.crash(step.node);
        return;
      case 'restart':
        this.restartOne(step.node);
        return;
      case 'restartCrashed':
        for (const host of this.hosts) this.restartOne(host.id);
        return;
      case 'crashMidInput':
        this.host(step.node).armCrash(step.afterEffects);
        this.traceNodeFault(step.node, step);
        return;
      case 'crashAtSave':
        this.host(step.node).armCrashAtSave(step.saves);
        this.traceNodeFault(step.node, step);
        return;
      case 'damage':
        this.damage(step);
        return;
      default:
        unreachable(step);
    }
  }

  private restartOne(node: number): void {
    const host = this.host(node);
    if (!host.alive) this.restart(node);
    else if (host.crashArmed) {
      host.disarmCrash();
      this.trace.record(this.scheduler.now, 'link', node, -1, 0, 'crash point disarmed');
    }
  }

  /** A disk fault while the node is down (a running node crashes first). */
  private damage(step: Extract<FaultStep, { kind: 'damage' }>): void {
    const host = this.host(step.node);
    if (host.alive) this.crash(step.node);
    const what = damageSaved(host.persister, step);
    if (what !== null) host.markDamaged(what);
    const text = `${describeFault(step)}: ${what ?? 'nothing to damage'}`;
    this.trace.record(this.scheduler.now, 'link', step.node, -1, 0, text);
  }

  private applyMachineFault(step: MachineFault): void {
    switch (step.kind) {
      case 'pause':
        this.host(step.node).pause();
        this.traceNodeFault(step.node, step);
        return;
      case 'resume':
        this.traceNodeFault(step.node, step);
        this.host(step.node).resume();
        return;
      case 'clock':
        assert(step.ratePerMille > 0, `clock rate ${step.ratePerMille} per mille`);
        this.host(step.node).clockRatePerMille = step.ratePerMille;
        this.traceNodeFault(step.node, step, step.ratePerMille);
        return;
      case 'slowDisk':
        assert(step.maxMicros >= 0, `disk latency ${step.maxMicros}`);
        this.diskMaxMicros[step.node] = step.maxMicros;
        this.traceNodeFault(step.node, step, step.maxMicros);
        return;
      default:
        unreachable(step);
    }
  }

  private traceNodeFault(node: number, step: FaultStep, value = 0): void {
    this.trace.record(this.scheduler.now, 'link', node, -1, value, describeFault(step));
  }

  /** Every disk fast again and every crash point disarmed (the liveness phase's machines). */
  calmMachines(): void {
    for (const host of this.hosts) {
      if (this.diskMaxMicros[host.id] !== 0) {
        this.applyFault({ kind: 'slowDisk', node: host.id, maxMicros: 0 });
      }
      if (host.crashArmed) this.restartOne(host.id);
    }
  }

  /**
   * The stalls ended (only a release ends them): what waited goes on at once, in the order it
   * arrived, and is dropped on delivery if its node restarted or (under the 'connection' rule)
   * its link is down.
   */
  private deliverHeld(): void {
    for (const held of this.stalled) {
      this.scheduler.post(0, this, held.endpoints, held.incarnation, held.bytes);
    }
    this.stalled = [];
    this.heldPerLink.fill(0);
  }

  /** Switches the network's behaviour for every message sent from now on (knobs stay on). */
  setProfile(profile: NetworkProfile): void {
    this.baseProfile = profile;
    this.network.profile = withKnobs(profile, this.knobs);
    this.trace.record(this.scheduler.now, 'profile', -1, -1, 0, this.network.profile.name);
  }

  /** Every knob off again (the liveness phase's healed network). */
  clearKnobs(): void {
    this.knobs.duplicate = false;
    this.knobs.longDelay = false;
    this.knobs.longReorder = false;
  }

  private applyToLeader(step: LeaderFault): void {
    const leader = this.leaderResolver?.() ?? null;
    if (leader === null) {
      this.trace.record(this.scheduler.now, 'link', -1, -1, 0, `${step.kind}: no leader`);
      return;
    }
    switch (step.kind) {
      case 'crashLeader':
        this.applyFault({ kind: 'crash', node: leader });
        return;
      case 'isolateLeader':
        this.applyFault({ kind: 'isolate', node: leader });
        return;
      case 'stallLeader':
        if (this.faultDomain > 1) {
          this.applyFault({ kind: 'stall', from: (leader + 1) % this.faultDomain, to: leader });
        } else {
          this.trace.record(this.scheduler.now, 'link', -1, -1, 0, `${step.kind}: no follower`);
        }
        return;
      case 'partitionLeader': {
        const n = this.faultDomain;
        const size = Math.min(1 + step.followers, n);
        const side = Array.from({ length: size }, (_, k) => (leader + k) % n);
        const rest = Array.from({ length: n }, (_, k) => k).filter((k) => !side.includes(k));
        this.applyFault({ kind: 'partition', groups: [side, rest] });
        if (step.clients === true) this.cutClientsFrom(rest);
        return;
      }
      default:
        unreachable(step);
    }
  }

  /** Every client (a node past the fault domain) loses its links to and from these servers. */
  private cutClientsFrom(servers: readonly number[]): void {
    for (let client = this.faultDomain; client < this.nodes; client++) {
      for (const server of servers) {
        this.network.setLink(client, server, false);
        this.network.setLink(server, client, false);
      }
    }
    const text = `clients cut off from {${servers.join(',')}}`;
    this.trace.record(this.scheduler.now, 'link', -1, -1, 0, text);
  }

  /** Queues a schedule of faults at their virtual times. */
  scheduleFaults(schedule: readonly TimedFault[]): void {
    for (const { at, step } of schedule) this.scheduler.at(at, this.nemesis, 0, 0, step);
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
