import { termOf, type RaftMessage } from '../../raft/messages.js';
import type { ApplyMsg } from '../../raft/types.js';
import type { Instance } from '../program.js';
import { RaftMonitor } from '../monitors/raft-monitor.js';
import { readSavedSummary } from '../../raft/persist.js';
import type { AppliedView, InvariantId, RaftView, SavedView, Vouch } from '../monitors/view.js';
import type { World } from '../world.js';

/**
 * Binds the generic safety monitor to a world running Raft: which instances are Raft nodes,
 * which replies vouch for durable state, which applies are the state machine's.
 */
export interface MonitorBinding<I, A> {
  readonly servers: number;
  view(instance: I): RaftView | null;
  applied(applied: A): AppliedView | null;
  /** Reads saved Raft state bytes (the monitors know no format); null if unreadable. */
  decodeSaved(raftState: Uint8Array): SavedView | null;
  /**
   * Optional: the index a service snapshot covers, as the service wrote it in the snapshot (0
   * for none; null when it cannot tell). With it, G7 checks every save's pair.
   */
  snapshotIndexOf?(snapshot: Uint8Array): number | null;
  /** White-box monitors turned off. */
  readonly without?: readonly InvariantId[];
}

/** What a reply vouches for (G5, and G1's acknowledgements), for any message a node sends. */
export function vouchOf(message: { readonly type: string }, to: number): Vouch | null {
  const m = message as RaftMessage;
  if (m.type === 'RequestVoteReply' && m.voteGranted)
    return { kind: 'vote', term: m.term, candidate: to };
  if (m.type === 'AppendEntriesReply' && m.success)
    return { kind: 'append', term: m.term, matchIndex: m.matchIndex };
  // An answer to a snapshot of an older term carries index 0: it vouches for nothing.
  if (m.type === 'InstallSnapshotReply')
    return { kind: 'snapshot', term: m.term, matchIndex: m.lastIncludedIndex };
  return null;
}

/** The message if it is one of Raft's (a server also sends clerks their answers). */
function asRaftMessage(message: { readonly type: string }): RaftMessage | null {
  return termOf(message) === null ? null : (message as RaftMessage);
}

export function attachMonitor<M extends { readonly type: string }, A, I extends Instance<M, A>>(
  world: World<M, A, I>,
  binding: MonitorBinding<I, A>,
): RaftMonitor {
  const viewOf = (node: number): RaftView | null => {
    const instance = node < binding.servers ? world.host(node).instance : null;
    return instance === null ? null : binding.view(instance);
  };
  const monitor = new RaftMonitor(
    {
      servers: binding.servers,
      now: () => world.scheduler.now,
      eventIndex: () => world.trace.events,
      view: viewOf,
      saved: (node) => binding.decodeSaved(world.host(node).persister.readRaftState()),
    },
    new Set(binding.without ?? []),
  );
  world.observer = {
    afterInput: (node) => monitor.afterInput(node),
    afterPersist: (node, raftState, snapshot) => {
      if (node >= binding.servers) return;
      const covers = binding.snapshotIndexOf?.(snapshot) ?? null;
      monitor.afterPersist(node, binding.decodeSaved(raftState), covers);
    },
    beforeSend: (node, to, message) => {
      if (node >= binding.servers || to >= binding.servers) return;
      const raft = asRaftMessage(message);
      if (raft !== null) monitor.beforeSend(node, to, raft, vouchOf(raft, to));
    },
    beforeDeliver: (node, from, message) => {
      if (node >= binding.servers || from >= binding.servers) return;
      const term = termOf(message);
      if (term !== null) monitor.beforeDeliver(node, term);
    },
    onCrash: (node) => monitor.onCrash(node),
    onRestart: (node) => monitor.onRestart(node),
  };
  world.onApply((node, applied) => {
    const view = node < binding.servers ? binding.applied(applied) : null;
    if (view !== null) monitor.onApply(node, view);
  });
  return monitor;
}

/** For a world of bare Raft nodes (the lab suite). */
export function rawRaftBinding<I extends RaftView>(servers: number): MonitorBinding<I, ApplyMsg> {
  return {
    servers,
    view: (instance) => instance,
    applied: (applied) => applied,
    decodeSaved: readSavedSummary,
  };
}
