import type { KvWire } from '../../raft/kv/codec.js';
import { KvServer } from '../../raft/kv/server.js';
import type { KvCommand } from '../../raft/kv/types.js';
import { ViolationError } from '../monitors/view.js';
import type { KvWorld } from './convergence.js';
import type { Workload } from './workload.js';

/** Calls are numbered per clerk far below this, so clerk × CALLS + seq names one call. */
const CALLS = 2 ** 32;

/**
 * DUR at the moment a server answers: a write a clerk is waiting for (a put or an append) is
 * answered with an outcome only by a server that has applied that very call from the log. A
 * server that answers from the entry applied at the index it waited on without checking that
 * the entry is the call it answers (another call of the same clerk, say) tells the clerk an
 * outcome that is not its own. Reads are left to LIN, which judges them by what they return:
 * serving a read without the log can be right (leases, read indexes), a write never.
 */
export class AnswerCheck {
  /** Per call (clerk × CALLS + seq), the first log index it was applied at. */
  private readonly appliedAt = new Map<number, number>();

  constructor(
    private readonly servers: number,
    private readonly workload: Pick<Workload, 'openCall'>,
    /** How far a server has applied (0 while it is down). */
    private readonly appliedIndexOf: (node: number) => number,
    /** Where the run stands, for the violation. */
    private readonly now: () => { readonly t: number; readonly event: number },
  ) {}

  /** A command reached the applied log at `index` (the first time any node applied it). */
  applied(index: number, command: KvCommand): void {
    const call = command.clerk * CALLS + command.seq;
    if (!this.appliedAt.has(call)) this.appliedAt.set(call, index);
  }

  /** Server `node` is about to send `message` to `to`. */
  beforeSend(node: number, to: number, message: KvWire): void {
    if (node >= this.servers || to < this.servers || message.type !== 'KvReply') return;
    if (message.err === 'ErrWrongLeader') return;
    const call = this.workload.openCall(to, message.seq);
    if (call === null || call.op === 'get') return;
    const appliedIndex = this.appliedIndexOf(node);
    const at = this.appliedAt.get(to * CALLS + message.seq);
    if (at !== undefined && at <= appliedIndex) return;
    throw new ViolationError({
      invariant: 'DUR',
      ...this.now(),
      nodes: [node],
      message:
        `node ${node} answered ${call.op} ${message.seq} of clerk ${to} with ${message.err}, ` +
        `but it has not applied that call (applied through ${appliedIndex})`,
    });
  }
}

/** Puts the check on the world's observer: it hears of each send after what observes it already. */
export function attachAnswerCheck(
  world: KvWorld,
  servers: number,
  workload: Pick<Workload, 'openCall'>,
): AnswerCheck {
  const check = new AnswerCheck(
    servers,
    workload,
    (node) => {
      const server = world.host(node).instance;
      return server instanceof KvServer ? server.appliedIndex : 0;
    },
    () => ({ t: world.scheduler.now, event: world.trace.events }),
  );
  const inner = world.observer;
  if (inner === null) throw new Error('attachAnswerCheck: attach the monitors first');
  // Only the send hook is wrapped; every other hook stays the inner observer's own.
  world.observer = {
    ...inner,
    beforeSend: (node, to, message) => {
      inner.beforeSend(node, to, message);
      check.beforeSend(node, to, message);
    },
  };
  return check;
}
