import type { KvWire } from '../../raft/kv/codec.js';
import type { KvCommand, KvReply } from '../../raft/kv/types.js';
import { ViolationError } from '../monitors/view.js';
import { KvReference, type ReferenceOutcome } from './kv-reference.js';
import type { Workload } from './workload.js';

/** Calls are numbered per clerk far below this, so clerk × CALLS + seq names one call. */
const CALLS = 2 ** 32;

/**
 * DUR at the moment a server answers: a call a clerk is waiting for is answered with an outcome
 * only by a server that has applied that very call from the log, and the outcome is the one that
 * call's execution had, replayed apart from the service by KvReference: its error, the version it
 * left the key at, and for a get the value it read. A server that answers from the entry applied
 * at the index it waited on without checking that the entry is the call it answers (another call
 * of the same clerk, say), that answers a retry from anything but the record of the first
 * execution, or that answers a read before the read is applied (from a table its applier has not
 * brought up to the read's index, or without the log at all) tells the clerk an outcome that is
 * not its own. The service's spec sends every call, reads included, through the log.
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
    private readonly now: RunPlace,
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
      if (outcome !== null) this.outcomes.set(next.clerk * CALLS + next.seq, outcome);
    }
  }

  /** Server `node` is about to send `message` to `to`. */
  beforeSend(node: number, to: number, message: KvWire): void {
    if (node >= this.servers || to < this.servers || message.type !== 'KvReply') return;
    if (message.err === 'ErrWrongLeader') return;
    const call = this.workload.openCall(to, message.seq);
    if (call === null) return;
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
    if (sameAnswer(message, outcome, call.op)) return;
    this.fail(
      node,
      `${answered(node, to, call.op, message)}, but its execution answered ${outcomeText(call.op, outcome)}`,
    );
  }

  private fail(node: number, message: string): never {
    failDur(this.now, node, message);
  }
}

/** Where a run stands, for a violation raised as it goes. */
export type RunPlace = () => { readonly t: number; readonly event: number };

/** DUR, raised at `node` where the run stands now. */
export function failDur(now: RunPlace, node: number, message: string): never {
  throw new ViolationError({ invariant: 'DUR', ...now(), nodes: [node], message });
}

/** The answer is the call's outcome: a write's value is no part of it (its answer carries ''). */
function sameAnswer(message: KvReply, outcome: ReferenceOutcome, op: string): boolean {
  return (
    message.err === outcome.err &&
    message.version === outcome.version &&
    (op !== 'get' || message.value === outcome.value)
  );
}

/** How a violation names the answer: who answered which call, and with what. */
function answered(node: number, clerk: number, op: string, message: KvReply): string {
  return `node ${node} answered ${op} ${message.seq} of clerk ${clerk} with ${outcomeText(op, message)}`;
}

/** An outcome as a violation prints it; long values are cut. */
export function outcomeText(
  op: string,
  outcome: { readonly err: string; readonly version: number; readonly value: string },
): string {
  const value = op === 'get' ? `, value ${quoteCut(outcome.value)}` : '';
  return `${outcome.err}, version ${outcome.version}${value}`;
}

const PRINTED_VALUE = 40;

function quoteCut(value: string): string {
  return value.length <= PRINTED_VALUE
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, PRINTED_VALUE))}… (${value.length} characters)`;
}
