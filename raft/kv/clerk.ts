import type { BootContext, Instance } from '../contract.js';
import type { MutantId } from '../mutants.js';
import type { KvWire } from './codec.js';
import type { KvApplied, KvEffect } from './server.js';
import type { KvErr, KvOp, KvReply } from './types.js';

export interface ClerkOptions {
  /** Resend to the next server when no reply came within this long. */
  readonly retryMicros: number;
  /** Pause before another round once every server said it is not the leader. */
  readonly backoffMicros: number;
}

export const DEFAULT_CLERK_OPTIONS: ClerkOptions = { retryMicros: 200_000, backoffMicros: 50_000 };

const RETRY_TIMER = 'retry';

interface Call {
  readonly seq: number;
  readonly op: KvOp;
  /** Some attempt got no answer: it may have executed. */
  uncertain: boolean;
  /** Servers that said "wrong leader" since the last attempt that could have worked. */
  refusals: number;
}

/**
 * A clerk: one call at a time, sent to the server it believes leads, resent to the next one on
 * a wrong-leader answer or when no reply comes. A put that ends in ErrVersion after an attempt
 * that may have executed returns ErrMaybe: the clerk cannot tell whether its own put took effect.
 * The answer goes to the caller as an `apply` effect (a ClerkReturn).
 */
export class Clerk implements Instance<KvWire, KvApplied> {
  private leader = 0;
  private nextSeq = 1;
  private call: Call | null = null;

  constructor(
    readonly context: BootContext,
    readonly servers: number,
    private readonly options: ClerkOptions = DEFAULT_CLERK_OPTIONS,
    readonly mutant: MutantId | null = null,
  ) {}

  get busy(): boolean {
    return this.call !== null;
  }

  start(): readonly KvEffect[] {
    return [];
  }

  /** Begins a call; the caller waits for its ClerkReturn. One call at a time. */
  invoke(op: KvOp): readonly KvEffect[] {
    if (this.call !== null)
      throw new Error(`clerk ${this.context.id}: invoke while a call is open`);
    this.call = { seq: this.nextSeq++, op, uncertain: false, refusals: 0 };
    return this.send();
  }

  timer(name: string): readonly KvEffect[] {
    const call = this.call;
    if (name !== RETRY_TIMER || call === null) return [];
    if (call.refusals >= this.servers) {
      call.refusals = 0; // the backoff is over: a new round
      return this.send();
    }
    call.uncertain = true; // the attempt went unanswered: it may have executed
    this.leader = (this.leader + 1) % this.servers;
    return this.send();
  }

  message(from: number, message: KvWire): readonly KvEffect[] {
    const call = this.call;
    if (message.type !== 'KvReply' || call === null || message.seq !== call.seq) return [];
    if (message.err === 'ErrWrongLeader') return this.refused(from, call);
    this.leader = from;
    this.call = null;
    const err = this.outcome(call, message);
    const result = { err, value: message.value, version: message.version };
    return [
      { kind: 'cancelTimer', name: RETRY_TIMER },
      {
        kind: 'apply',
        message: {
          kind: 'clerk-return',
          clerk: this.context.id,
          seq: call.seq,
          op: call.op,
          result,
        },
      },
    ];
  }

  private outcome(call: Call, reply: KvReply): KvErr {
    const err = reply.err as KvErr;
    return call.op.kind === 'put' && err === 'ErrVersion' && call.uncertain ? 'ErrMaybe' : err;
  }

  private refused(from: number, call: Call): readonly KvEffect[] {
    call.refusals++;
    this.leader = (from + 1) % this.servers;
    if (call.refusals < this.servers) return this.send();
    return [{ kind: 'setTimer', name: RETRY_TIMER, afterMicros: this.options.backoffMicros }];
  }

  private send(): readonly KvEffect[] {
    const call = this.call as Call;
    return [
      { kind: 'send', to: this.leader, message: { type: 'KvRequest', seq: call.seq, op: call.op } },
      { kind: 'setTimer', name: RETRY_TIMER, afterMicros: this.options.retryMicros },
    ];
  }
}
