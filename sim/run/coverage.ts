import type { RaftMessage } from '../../raft/messages.js';
import { CoverageRecorder, type MessageView } from '../monitors/coverage.js';
import type { RaftView } from '../monitors/view.js';
import { LINK_UP } from '../network.js';
import type { Instance } from '../program.js';
import type { World } from '../world.js';

/** A Raft message as coverage sees it; null for anything else (clerk traffic). */
export function messageView(message: { readonly type: string }): MessageView | null {
  const m = message as RaftMessage;
  switch (m.type) {
    case 'RequestVote':
      return { kind: 0, term: m.term, index: m.lastLogIndex, indexTerm: m.lastLogTerm };
    case 'RequestVoteReply':
      return { kind: 1, term: m.term, index: 0, indexTerm: 0 };
    case 'AppendEntries':
      return { kind: 2, term: m.term, index: m.prevLogIndex, indexTerm: m.prevLogTerm };
    case 'AppendEntriesReply':
      return { kind: 3, term: m.term, index: m.prevLogIndex, indexTerm: 0 };
    case 'InstallSnapshot':
      return { kind: 4, term: m.term, index: m.lastIncludedIndex, indexTerm: m.lastIncludedTerm };
    case 'InstallSnapshotReply':
      return { kind: 5, term: m.term, index: m.lastIncludedIndex, indexTerm: 0 };
    default:
      return null;
  }
}

/**
 * Attaches a coverage recorder to a world running Raft, after the monitors (if any): it sees the
 * same events, after them, and is told of each delivery before the receiver handles it.
 */
export function attachCoverage<M extends { readonly type: string }, A, I extends Instance<M, A>>(
  world: World<M, A, I>,
  servers: number,
  view: (instance: I) => RaftView | null,
): CoverageRecorder {
  const viewOf = (node: number): RaftView | null => {
    const instance = world.host(node).instance;
    return instance === null ? null : view(instance);
  };
  const recorder = new CoverageRecorder({
    servers,
    view: viewOf,
    linkUp: (a, b) => world.network.linkState(a, b) === LINK_UP,
  });
  const inner = world.observer;
  world.observer = {
    afterInput: (node) => {
      inner?.afterInput(node);
      if (node < servers) recorder.afterInput(node);
    },
    afterPersist: (node, raftState, snapshot) => inner?.afterPersist(node, raftState, snapshot),
    beforeSend: (node, to, message) => inner?.beforeSend(node, to, message),
    beforeDeliver: (node, from, message) => {
      inner?.beforeDeliver?.(node, from, message);
      if (node >= servers || from >= servers) return;
      const seen = messageView(message);
      if (seen !== null) recorder.beforeDeliver(node, seen);
    },
    onCrash: (node) => {
      inner?.onCrash(node);
      if (node < servers) recorder.onCrash(node);
    },
    onRestart: (node) => {
      inner?.onRestart(node);
      if (node < servers) recorder.onRestart(node);
    },
  };
  return recorder;
}
