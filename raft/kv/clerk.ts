import type { BootContext, Instance } from '../contract.js';
import type { BrokenBuild } from '../mutants.js';
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
  /** The call's number, which its return carries. */
  readonly seq: number;
  /** The number its requests carry: the call's own (mutant Z19: a new one per attempt). */
  wire: number;
  readonly op: KvOp;
  /** Some attempt got no answer: it may have executed. */
  uncertain: boolean;
  /** Servers that said "wrong leader" since the last attempt that could have worked. */
  refusals: number;
}

/**
 * A clerk: one call at a time, sent to the server it believes leads, resent to the next one on
 * a wrong-leader answer or when no reply comes. Every attempt of a call carries the call's number,
 * so the servers execute it once however often it reaches the log. A put that ends in ErrVersion
 * after an attempt that may have executed returns ErrMaybe: the clerk cannot tell whether its own
 * put took effect.
 * The answer goes to the caller as an `apply` effect (a ClerkReturn).
 */
export class Clerk implements Instance<KvWire, KvApplied> {
  private leader = 0;
  private nextSeq = 1;
  private call: Call | null = null;
  /** Requests sent so far; counted only by mutant Z19, which numbers each attempt with it. */
  private attempts = 0;

  constructor(
    readonly context: BootContext,
    readonly servers: number,
    private readonly options: ClerkOptions = DEFAULT_CLERK_OPTIONS,
    readonly mutant: BrokenBuild | null = null,
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
    const seq = this.nextSeq++;
    this.call = { seq, wire: seq, op, uncertain: false, refusals: 0 };
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
    if (message.type !== 'KvReply' || call === null || message.seq !== call.wire) return [];
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
    // An append cannot fail: any other answer (a request the server saw as superseded) leaves
    // the clerk unable to tell whether its text went in.
    if (call.op.kind === 'append') return err === 'OK' ? err : 'ErrMaybe';
    // mutant Z19: ErrVersion is reported as definite even after an attempt that may have worked.
    const ambiguous = call.uncertain && this.mutant !== 'Z19';
    return call.op.kind === 'put' && err === 'ErrVersion' && ambiguous ? 'ErrMaybe' : err;
  }

  private refused(from: number, call: Call): readonly KvEffect[] {
    call.refusals++;
    // build S07: the guess runs past the last server (a Go clerk would index out of range).
    this.leader = this.mutant === 'S07' ? from + 1 : (from + 1) % this.servers;
    if (call.refusals < this.servers) return this.send();
    return [{ kind: 'setTimer', name: RETRY_TIMER, afterMicros: this.options.backoffMicros }];
  }

  private send(): readonly KvEffect[] {
    const call = this.call as Call;
    // mutant Z19: like the lab's clerk, which relies on versions alone, each attempt is a new
    // request, so the servers cannot tell a resend from a new put.
    if (this.mutant === 'Z19') call.wire = ++this.attempts;
    const request = { type: 'KvRequest', seq: call.wire, op: call.op } as const;
    return [
      { kind: 'send', to: this.leader, message: request },
      { kind: 'setTimer', name: RETRY_TIMER, afterMicros: this.options.retryMicros },
    ];
  }
}
