import type { Scheduler } from './scheduler.js';
import type { Micros } from './time.js';
import type { Trace } from './trace.js';

/**
 * Someone watching every host from outside (the safety monitors): told after each input a node
 * handled, around its persists (with the Raft state and snapshot bytes just saved) and sends,
 * and of crashes and restarts.
 */
export interface HostObserver<M> {
  afterInput(node: number): void;
  afterPersist(node: number, raftState: Uint8Array, snapshot: Uint8Array): void;
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
  /** How long the save the node is about to make takes (0: at once, the default disk). */
  saveLatency(node: number): Micros;
  /** The node reached its crash point inside an input: crash it now, as the world does. */
  crashInside(node: number, detail: string): void;
}
