import { msgpackCodec } from '../codec.js';
import type { BootContext, Effect, Instance, Program } from '../program.js';

/** A test fixture that does only what a test tells it to, and remembers what it received. */
export interface ProbeMessage {
  readonly type: 'request' | 'reply';
  readonly n: number;
  readonly body: number[];
}

export type ProbeEffect = Effect<ProbeMessage, number>;

export class ProbeNode implements Instance<ProbeMessage, number> {
  readonly received: { from: number; message: ProbeMessage }[] = [];
  readonly timersFired: string[] = [];
  /** Whatever the test wants the next start() / timer() to do. */
  onStart: ProbeEffect[] = [];

  constructor(readonly context: BootContext) {}

  start(): readonly ProbeEffect[] {
    return this.onStart;
  }

  timer(name: string): readonly ProbeEffect[] {
    this.timersFired.push(name);
    return [];
  }

  message(from: number, message: ProbeMessage): readonly ProbeEffect[] {
    this.received.push({ from, message });
    if (message.type === 'reply') return [];
    return [{ kind: 'send', to: from, message: { type: 'reply', n: message.n, body: [] } }];
  }
}

export function probeProgram(): Program<ProbeMessage, number, ProbeNode> {
  return {
    name: 'probe',
    codec: msgpackCodec<ProbeMessage>(),
    isReply: (m) => m.type === 'reply',
    describe: (m) => `${m.type}#${m.n}`,
    applyIndex: (index) => index,
    describeApply: (index) => `index ${index}`,
    boot: (context) => new ProbeNode(context),
  };
}
