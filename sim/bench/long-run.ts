import type { Clerk } from '../../raft/kv/clerk.js';
import type { KvWire } from '../../raft/kv/codec.js';
import { kvProgram, type KvNode } from '../../raft/kv/program.js';
import { isClerkReturn, type KvApplied } from '../../raft/kv/server.js';
import type { ClerkReturn, KvOp } from '../../raft/kv/types.js';
import { reliable } from '../profiles.js';
import type { EventTarget, SimEvent } from '../scheduler.js';
import { World } from '../world.js';
import { peakRssMegabytes, rssMegabytes } from './measure.js';

/** Resident memory along one long run, at 10 %, 50 % and 100 % of its commands. */
export interface LongRunMemory {
  readonly commands: number;
  readonly rssMb: { readonly at10: number; readonly at50: number; readonly at100: number };
  readonly peakRssMb: number;
  readonly virtualSeconds: number;
  readonly events: number;
  /** The highest snapshot index any server holds at the end: compaction kept the logs short. */
  readonly snapshotIndex: number;
}

/**
 * Clerks that never stop: each reads a key, then writes it at the version it read, then moves
 * to the next key. Every call is a command through the log. Nothing is recorded, so memory
 * measures the simulator, Raft and the service alone.
 */
class ClosedLoop implements EventTarget {
  returns = 0;
  private readonly next: KvOp[];

  constructor(
    private readonly world: World<KvWire, KvApplied, KvNode>,
    private readonly servers: number,
    clerks: number,
  ) {
    this.next = Array.from({ length: clerks }, (_, c) => ({ kind: 'get', key: `k${c}` }));
  }

  start(): void {
    for (let c = 0; c < this.next.length; c++) this.world.scheduler.after(0, this, c);
  }

  fire(event: SimEvent): void {
    const op = this.next[event.a] as KvOp;
    this.world.host(this.servers + event.a).run((node) => (node as Clerk).invoke(op));
  }

  returned(node: number, ret: ClerkReturn): void {
    this.returns++;
    const c = node - this.servers;
    const { op, result } = ret;
    this.next[c] =
      op.kind === 'get'
        ? { kind: 'put', key: op.key, value: `v${this.returns}`, version: result.version }
        : { kind: 'get', key: `k${(Number(op.key.slice(1)) + 1) % 5}` };
    this.world.scheduler.after(0, this, c); // not from inside the clerk's own effects
  }
}

/**
 * One run of `commands` committed commands on 3 servers and 3 clerks over a reliable network,
 * snapshotting past 8 KiB of Raft state, monitors and history off; RSS sampled every 10,000
 * commands, and the peak is the process's own maximum. Run it in a process of its own
 * (long-run-child.ts): RSS counts whatever else the process holds.
 */
export function longRunMemory(commands: number): LongRunMemory {
  const servers = 3;
  const world = new World<KvWire, KvApplied, KvNode>({
    nodes: servers + 3,
    faultDomain: servers,
    seed: 1,
    profile: reliable,
    maxEvents: 2 ** 52,
    program: kvProgram({ servers, maxRaftStateBytes: 8192 }),
  });
  const loop = new ClosedLoop(world, servers, 3);
  world.onApply((node, applied) => {
    if (isClerkReturn(applied)) loop.returned(node, applied);
  });
  world.start();
  loop.start();
  const marks = [0.1, 0.5, 1].map((share) => Math.round(share * commands));
  const at: number[] = [];
  let peak = rssMegabytes();
  let nextSample = 0;
  const done = () => {
    if (loop.returns < nextSample) return false;
    nextSample = Math.min(loop.returns + 10_000, commands);
    const rss = rssMegabytes();
    peak = Math.max(peak, rss);
    while (at.length < marks.length && loop.returns >= (marks[at.length] as number)) at.push(rss);
    return loop.returns >= commands;
  };
  world.scheduler.runUntil(done, 2 ** 52);
  let snapshotIndex = 0;
  for (let node = 0; node < servers; node++) {
    const instance = world.host(node).instance;
    if (instance !== null && 'raft' in instance)
      snapshotIndex = Math.max(snapshotIndex, instance.raft.snapshotIndex);
  }
  return {
    commands: loop.returns,
    rssMb: { at10: at[0] ?? 0, at50: at[1] ?? 0, at100: at[2] ?? 0 },
    peakRssMb: Math.max(peak, peakRssMegabytes()),
    virtualSeconds: world.scheduler.now / 1e6,
    events: world.scheduler.eventsExecuted,
    snapshotIndex,
  };
}
