import type { KvWire } from '../../raft/kv/codec.js';
import type { ClerkReturn, KvReply } from '../../raft/kv/types.js';
import { failDur, outcomeText, type RunPlace } from './kv-answers.js';

/**
 * DUR at the clerk: a clerk returns to its caller only an answer a server gave to one of the
 * requests it sent for that call, passed on as the spec says. The value and the version are the
 * answer's; the error is the answer's, or ErrMaybe where the clerk cannot tell whether its own
 * write took effect (a put answered ErrVersion, an append answered anything but OK); and never
 * "wrong leader", on which a clerk tries again. The history records what clerks return, so a
 * clerk that weakens an answer (ErrMaybe for an OK), fabricates one, or takes an answer meant
 * for an earlier call breaks the contract between service and client even where the history
 * stays linearizable.
 */
export class ReturnCheck {
  /** Per clerk (node − servers): the server's answer it is handling now, if any. */
  private readonly handling: (KvReply | null)[];
  /** Per clerk: the request numbers it sent since its last return (its open call's attempts). */
  private readonly attempts: Set<number>[];

  constructor(
    private readonly servers: number,
    clerks: number,
    /** Where the run stands, for the violation. */
    private readonly now: RunPlace,
  ) {
    this.handling = new Array<KvReply | null>(clerks).fill(null);
    this.attempts = Array.from({ length: clerks }, () => new Set<number>());
  }

  /** Node `node` sends `message` to `to`: a clerk's request is an attempt of its open call. */
  beforeSend(node: number, to: number, message: KvWire): void {
    if (node < this.servers || to >= this.servers || message.type !== 'KvRequest') return;
    (this.attempts[node - this.servers] as Set<number>).add(message.seq);
  }

  /** Node `node` is about to handle `message` from `from`. */
  beforeDeliver(node: number, from: number, message: KvWire): void {
    if (node < this.servers) return;
    const answer = from < this.servers && message.type === 'KvReply' ? message : null;
    this.handling[node - this.servers] = answer;
  }

  /** Node `node` is done with its input: a return after it is made of nothing it received. */
  afterInput(node: number): void {
    if (node >= this.servers) this.handling[node - this.servers] = null;
  }

  /** Clerk `node` returns `ret` to its caller (within the input that produced it). */
  returned(node: number, ret: ClerkReturn): void {
    const answer = this.handling[node - this.servers] ?? null;
    const attempts = this.attempts[node - this.servers] as Set<number>;
    const named = `clerk ${node} returned ${ret.op.kind} ${ret.seq} as ${outcomeText(ret.op.kind, ret.result)}`;
    if (answer === null) this.fail(node, `${named}, with no server's answer in hand`);
    if (!attempts.has(answer.seq))
      this.fail(node, `${named}, from an answer to request ${answer.seq}, not one of this call's`);
    if (!passesOn(answer, ret))
      this.fail(node, `${named}, but the answer it took said ${outcomeText(ret.op.kind, answer)}`);
    attempts.clear();
  }

  private fail(node: number, message: string): never {
    failDur(this.now, node, message);
  }
}

/** The return is the answer as the spec lets a clerk pass it on. */
function passesOn(answer: KvReply, ret: ClerkReturn): boolean {
  const { result } = ret;
  if (answer.err === 'ErrWrongLeader') return false;
  if (result.value !== answer.value || result.version !== answer.version) return false;
  if (result.err === answer.err) return true;
  if (result.err !== 'ErrMaybe') return false;
  if (ret.op.kind === 'append') return answer.err !== 'OK';
  return ret.op.kind === 'put' && answer.err === 'ErrVersion';
}
