import { assert, fail, unreachable } from './assert.js';
import { damageSaved } from './disk.js';
import type { Host } from './host.js';
import { applyLinkFault, cutClientsFrom, type LinkTarget } from './link-faults.js';
import { describeFault, type FaultStep, type TimedFault } from './nemesis.js';
import { profileByName, withKnobs, type NetworkProfile } from './profiles.js';
import type { EventTarget, SimEvent } from './scheduler.js';
import type { Persister } from './storage.js';

/** What a fault may change on a machine (a node's host), whatever program it runs. */
type FaultedHost = Pick<
  Host<unknown, unknown>,
  | 'id'
  | 'alive'
  | 'persister'
  | 'crashArmed'
  | 'armCrash'
  | 'armCrashAtSave'
  | 'disarmCrash'
  | 'markDamaged'
  | 'markWhole'
  | 'pause'
  | 'resume'
  | 'paused'
  | 'clockRatePerMille'
>;

/** What faults act on: the world's network, its machines, and its crash and restart. */
export interface FaultTarget extends LinkTarget {
  readonly hosts: readonly FaultedHost[];
  readonly leaderResolver: (() => number | null) | null;
  host(node: number): FaultedHost;
  crash(node: number, detail?: string): void;
  restart(node: number, persister?: Persister): void;
}

/** The faults aimed at whoever leads when they apply. */
type LeaderFault = Extract<
  FaultStep,
  { kind: 'isolateLeader' | 'crashLeader' | 'stallLeader' | 'partitionLeader' | 'pauseLeader' }
>;

type LifeFault = Extract<
  FaultStep,
  { kind: 'crash' | 'restart' | 'restartCrashed' | 'crashMidInput' | 'crashAtSave' | 'damage' }
>;
type MachineFault = Extract<
  FaultStep,
  { kind: 'pause' | 'resume' | 'resumePaused' | 'clock' | 'slowDisk' }
>;

/**
 * The world's nemesis: applies fault steps to the network and the machines, at once or on a
 * schedule, and keeps the state faults leave behind (the network profile and its knobs, each
 * disk's latency) for the liveness phase to undo.
 */
export class WorldFaults implements EventTarget {
  private baseProfile: NetworkProfile;
  private readonly knobs = { duplicate: false, longDelay: false, longReorder: false };
  /** Per node, the longest a save takes (0: at once); slowDisk faults set it. */
  private readonly diskMaxMicrosByNode: number[];

  constructor(
    private readonly world: FaultTarget,
    profile: NetworkProfile,
  ) {
    this.baseProfile = profile;
    this.diskMaxMicrosByNode = new Array<number>(world.nodes).fill(0);
  }

  /** A scheduled fault step is due. */
  fire(event: SimEvent): void {
    this.apply(event.payload as FaultStep);
  }

  /** The longest a save on `node` takes now (0: at once). */
  diskMaxMicros(node: number): number {
    return this.diskMaxMicrosByNode[node] as number;
  }

  /** Applies one fault now. Crashing a dead node or restarting a live one does nothing. */
  apply(step: FaultStep): void {
    switch (step.kind) {
      case 'partition':
      case 'cut':
      case 'stall':
      case 'release':
      case 'isolate':
      case 'heal':
      case 'bridge':
        applyLinkFault(this.world, step);
        this.traceLink(-1, describeFault(step));
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
      case 'pauseLeader':
        this.applyToLeader(step);
        return;
      case 'pause':
      case 'resume':
      case 'resumePaused':
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

  /** Crashes and restarts, in all their forms. Restarting disarms a crash point not reached. */
  private applyLifeFault(step: LifeFault): void {
    switch (step.kind) {
      case 'crash':
        if (this.world.host(step.node).alive) this.world.crash(step.node);
        return;
      case 'restart':
        this.restartOne(step.node);
        return;
      case 'restartCrashed':
        for (const host of this.world.hosts) this.restartOne(host.id);
        return;
      case 'crashMidInput':
        this.world.host(step.node).armCrash(step.afterEffects);
        this.traceNodeFault(step.node, step);
        return;
      case 'crashAtSave':
        this.world.host(step.node).armCrashAtSave(step.saves);
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
    const host = this.world.host(node);
    if (!host.alive) this.world.restart(node);
    else if (host.crashArmed) {
      host.disarmCrash();
      this.traceLink(node, 'crash point disarmed');
    }
  }

  /** A disk fault while the node is down (a running node crashes first). */
  private damage(step: Extract<FaultStep, { kind: 'damage' }>): void {
    const host = this.world.host(step.node);
    if (host.alive) this.world.crash(step.node);
    const what = damageSaved(host.persister, step);
    // Damages can undo each other: what counts is whether the files differ from those saved.
    if (host.persister.whole()) host.markWhole();
    else if (what !== null) host.markDamaged(what);
    const text = `${describeFault(step)}: ${what ?? 'nothing to damage'}`;
    this.traceLink(step.node, text);
  }

  private applyMachineFault(step: MachineFault): void {
    switch (step.kind) {
      case 'pause':
        this.world.host(step.node).pause();
        this.traceNodeFault(step.node, step);
        return;
      case 'resume':
        this.traceNodeFault(step.node, step);
        this.world.host(step.node).resume();
        return;
      case 'resumePaused':
        for (const host of this.world.hosts) {
          if (host.paused) this.apply({ kind: 'resume', node: host.id });
        }
        return;
      case 'clock':
        assert(step.ratePerMille > 0, `clock rate ${step.ratePerMille} per mille`);
        this.world.host(step.node).clockRatePerMille = step.ratePerMille;
        this.traceNodeFault(step.node, step, step.ratePerMille);
        return;
      case 'slowDisk':
        assert(step.maxMicros >= 0, `disk latency ${step.maxMicros}`);
        this.diskMaxMicrosByNode[step.node] = step.maxMicros;
        this.traceNodeFault(step.node, step, step.maxMicros);
        return;
      default:
        unreachable(step);
    }
  }

  private traceLink(node: number, text: string, value = 0): void {
    this.world.trace.record(this.world.scheduler.now, 'link', node, -1, value, text);
  }

  private traceNodeFault(node: number, step: FaultStep, value = 0): void {
    this.traceLink(node, describeFault(step), value);
  }

  /** Every disk fast again and every crash point disarmed (the liveness phase's machines). */
  calmMachines(): void {
    for (const host of this.world.hosts) {
      if (this.diskMaxMicrosByNode[host.id] !== 0) {
        this.apply({ kind: 'slowDisk', node: host.id, maxMicros: 0 });
      }
      if (host.crashArmed) this.restartOne(host.id);
    }
  }

  /** Switches the network's behaviour for every message sent from now on (knobs stay on). */
  setProfile(profile: NetworkProfile): void {
    this.baseProfile = profile;
    this.world.network.profile = withKnobs(profile, this.knobs);
    const world = this.world;
    world.trace.record(world.scheduler.now, 'profile', -1, -1, 0, world.network.profile.name);
  }

  /** Every knob off again (the liveness phase's healed network). */
  clearKnobs(): void {
    this.knobs.duplicate = false;
    this.knobs.longDelay = false;
    this.knobs.longReorder = false;
  }

  private applyToLeader(step: LeaderFault): void {
    const leader = this.world.leaderResolver?.() ?? null;
    if (leader === null) {
      this.traceLink(-1, `${step.kind}: no leader`);
      return;
    }
    switch (step.kind) {
      case 'crashLeader':
        this.apply({ kind: 'crash', node: leader });
        return;
      case 'isolateLeader':
        this.apply({ kind: 'isolate', node: leader });
        return;
      case 'pauseLeader':
        this.apply({ kind: 'pause', node: leader });
        return;
      case 'stallLeader':
        if (this.world.faultDomain > 1) {
          this.apply({ kind: 'stall', from: (leader + 1) % this.world.faultDomain, to: leader });
        } else {
          this.traceLink(-1, `${step.kind}: no follower`);
        }
        return;
      case 'partitionLeader': {
        const n = this.world.faultDomain;
        const size = Math.min(1 + step.followers, n);
        const side = Array.from({ length: size }, (_, k) => (leader + k) % n);
        const rest = Array.from({ length: n }, (_, k) => k).filter((k) => !side.includes(k));
        this.apply({ kind: 'partition', groups: [side, rest] });
        if (step.clients === true) cutClientsFrom(this.world, rest);
        return;
      }
      default:
        unreachable(step);
    }
  }

  /** Queues a schedule of faults at their virtual times. */
  schedule(schedule: readonly TimedFault[]): void {
    for (const { at, step } of schedule) this.world.scheduler.at(at, this, 0, 0, step);
  }
}
