import { unreachable } from './assert.js';
import type { FaultStep } from './nemesis.js';
import type { Network } from './network.js';
import type { Scheduler } from './scheduler.js';
import type { Trace } from './trace.js';

/** The faults on the links between nodes: cuts, stalls, partitions, and their ends. */
export type LinkFault = Extract<
  FaultStep,
  { kind: 'partition' | 'cut' | 'stall' | 'release' | 'isolate' | 'heal' | 'bridge' }
>;

/** What link faults act on: the world's network, and the messages its stalled links hold. */
export interface LinkTarget {
  readonly scheduler: Scheduler;
  readonly network: Network;
  readonly trace: Trace;
  readonly nodes: number;
  /** Partitions and isolation apply among nodes below this; the nodes above are clients. */
  readonly faultDomain: number;
  /** The stalls ended: what the stalled links held goes on. */
  deliverHeld(): void;
}

/** Changes the links as `step` says (the caller traces the step). */
export function applyLinkFault(target: LinkTarget, step: LinkFault): void {
  switch (step.kind) {
    case 'partition':
      target.network.partition(step.groups, target.faultDomain);
      return;
    case 'cut':
      target.network.setLink(step.from, step.to, false);
      return;
    case 'stall':
      target.network.stall(step.from, step.to);
      return;
    case 'release':
      target.network.releaseStalls();
      target.deliverHeld();
      return;
    case 'isolate':
      target.network.isolate(step.node, target.faultDomain);
      return;
    case 'heal':
      target.network.heal();
      return;
    case 'bridge':
      target.network.partition([[...step.left, step.bridge], step.right], target.faultDomain);
      for (const other of step.right) {
        target.network.setLink(step.bridge, other, true);
        target.network.setLink(other, step.bridge, true);
      }
      return;
    default:
      unreachable(step);
  }
}

/** Every client (a node past the fault domain) loses its links to and from these servers. */
export function cutClientsFrom(target: LinkTarget, servers: readonly number[]): void {
  for (let client = target.faultDomain; client < target.nodes; client++) {
    for (const server of servers) {
      target.network.setLink(client, server, false);
      target.network.setLink(server, client, false);
    }
  }
  const text = `clients cut off from {${servers.join(',')}}`;
  target.trace.record(target.scheduler.now, 'link', -1, -1, 0, text);
}
