import type { KvWire } from '../../raft/kv/codec.js';
import { KvServer } from '../../raft/kv/server.js';
import type { KvCommand, KvReply } from '../../raft/kv/types.js';
import { ViolationError } from '../monitors/view.js';
import type { KvWorld } from './convergence.js';
import { KvReference, type ReferenceOutcome } from './kv-reference.js';
import type { Workload } from './workload.js';

/** Calls are numbered per clerk far below this, so clerk × CALLS + seq names one call. */
const CALLS = 2 ** 32;

/**
 * DUR at the moment a server answers: a write a clerk is waiting for (a put or an append) is
 * answered with an outcome only by a server that has applied that very call from the log, and
 * the outcome is the one that call's execution had (its error, and for an append the version
 * it installed, which the clerk passes on), replayed apart from the service by KvReference. A
 * server that answers from the entry applied at the index it waited on without checking that
 * the entry is the call it answers (another call of the same clerk, say), or that answers a
 * retry from anything but the record of the first execution, tells the clerk an outcome that
 * is not its own. Reads are left to LIN, which judges them by what they return: serving a read
 * without the log can be right (leases, read indexes), a write never.
 */
export class AnswerCheck {
  /** Per call (clerk × CALLS + seq), the first log index it was applied at. */
  private readonly appliedAt = new Map<number, number>();
  /** How far the run's applied log has been replayed into the reference (in order). */
  private replayed = 0;
  private readonly reference = new KvReference();
  /** Per call, what its one execution answered. */
  private readonly outcomes = new Map<number, ReferenceOutcome>();

  constructor(
    /** The run's applied log by index: the command the first node to apply it had. */
    private readonly log: readonly (KvCommand | undefined)[],
    private readonly servers: number,
    private readonly workload: Pick<Workload, 'openCall'>,
    /** How far a server has applied (0 while it is down). */
    private readonly appliedIndexOf: (node: number) => number,
    /** Where the run stands, for the violation. */
    private readonly now: () => { readonly t: number; readonly event: number },
  ) {}

  /** The log got its command at `index` (the first time any node applied it). */
  applied(index: number): void {
    const command = this.log[index] as KvCommand;
    const call = command.clerk * CALLS + command.seq;
    if (!this.appliedAt.has(call)) this.appliedAt.set(call, index);
    // Replayed as the gaps fill (none in practice: see the replay at the end of a run).
    for (
      let next = this.log[this.replayed + 1];
      next !== undefined;
      next = this.log[this.replayed + 1]
    ) {
      this.replayed++;
      const outcome = this.reference.execute(next);
      // Reads are LIN's to judge (see above): only a write's outcome is kept.
      if (outcome !== null && next.op.kind !== 'get')
        this.outcomes.set(next.clerk * CALLS + next.seq, outcome);
    }
  }

  /** Server `node` is about to send `message` to `to`. */
  beforeSend(node: number, to: number, message: KvWire): void {
    if (node >= this.servers || to < this.servers || message.type !== 'KvReply') return;
    if (message.err === 'ErrWrongLeader') return;
    const call = this.workload.openCall(to, message.seq);
    if (call === null || call.op === 'get') return;
    const appliedIndex = this.appliedIndexOf(node);
    const key = to * CALLS + message.seq;
    const at = this.appliedAt.get(key);
    if (at === undefined || at > appliedIndex) {
      const applied = `applied through ${appliedIndex}`;
      this.fail(
        node,
        `${answered(node, to, call.op, message)}, but it has not applied that call (${applied})`,
      );
    }
    const outcome = this.outcomes.get(key);
    if (outcome === undefined) return; // an index before it is not applied anywhere yet
    // The clerk passes an append's installed version on (the workload's next put uses it).
    const withVersion = call.op === 'append' && outcome.err === 'OK';
    if (message.err === outcome.err && (!withVersion || message.version === outcome.version))
      return;
    const executed = withVersion ? `OK, version ${outcome.version}` : outcome.err;
    this.fail(
      node,
      `${answered(node, to, call.op, message)}, but its execution answered ${executed}`,
    );
  }

  private fail(node: number, message: string): never {
    throw new ViolationError({ invariant: 'DUR', ...this.now(), nodes: [node], message });
  }
}

/** How a violation names the answer: who answered which call, and with what. */
function answered(node: number, clerk: number, op: string, message: KvReply): string {
  const version = op === 'append' && message.err === 'OK' ? `, version ${message.version}` : '';
  return `node ${node} answered ${op} ${message.seq} of clerk ${clerk} with ${message.err}${version}`;
}

/** Puts the check on the world's observer: it hears of each send after what observes it already. */
export function attachAnswerCheck(
  world: KvWorld,
  log: readonly (KvCommand | undefined)[],
  servers: number,
  workload: Pick<Workload, 'openCall'>,
): AnswerCheck {
  const check = new AnswerCheck(
    log,
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
