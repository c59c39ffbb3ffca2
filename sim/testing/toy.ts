import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { Codec } from '../codec.js';
import type { BootContext, Effect, Instance, Program } from '../program.js';

/**
 * A toy state machine that exercises every part of the engine until a real one exists, and
 * stays on as a test fixture: every node ticks at a jittered interval, pings a random peer with
 * its counter, and counts the pongs it gets back; every tenth pong is persisted and applied.
 */
export type ToyMessage =
  | { readonly type: 'ping'; readonly counter: number; readonly pad: string }
  | { readonly type: 'pong'; readonly counter: number };

export interface ToyApply {
  readonly index: number;
  readonly pongs: number;
}

type ToyEffect = Effect<ToyMessage, ToyApply>;

export class ToyNode implements Instance<ToyMessage, ToyApply> {
  private readonly rng: RandomGenerator;
  /** Pongs received, restored from the last persisted value on boot. */
  pongs: number;
  private counter = 0;
  private applied: number;

  constructor(
    private readonly context: BootContext,
    private readonly tickMicros: number,
    private readonly padBytes: number,
  ) {
    this.rng = xoroshiro128plus(context.seed | 0);
    const restored =
      context.raftState.length >= 4 ? new DataView(context.raftState.buffer).getUint32(0) : 0;
    this.pongs = restored;
    this.applied = Math.floor(restored / 10);
  }

  start(): readonly ToyEffect[] {
    return [this.armTick()];
  }

  timer(_name: string): readonly ToyEffect[] {
    if (this.context.nodes === 1) return [this.armTick()];
    let to = uniformInt(this.rng, 0, this.context.nodes - 2);
    if (to >= this.context.id) to++;
    const ping: ToyMessage = {
      type: 'ping',
      counter: ++this.counter,
      pad: 'x'.repeat(this.padBytes),
    };
    return [{ kind: 'send', to, message: ping }, this.armTick()];
  }

  message(from: number, message: ToyMessage): readonly ToyEffect[] {
    if (message.type === 'ping') {
      return [{ kind: 'send', to: from, message: { type: 'pong', counter: message.counter } }];
    }
    this.pongs++;
    if (this.pongs % 10 !== 0) return [];
    const state = new Uint8Array(4);
    new DataView(state.buffer).setUint32(0, this.pongs);
    this.applied++;
    return [
      { kind: 'persist', raftState: state, snapshot: null },
      { kind: 'apply', message: { index: this.applied, pongs: this.pongs } },
    ];
  }

  private armTick(): ToyEffect {
    const jitter = Math.floor(this.tickMicros / 2);
    const after = this.tickMicros - jitter + uniformInt(this.rng, 0, 2 * jitter);
    return { kind: 'setTimer', name: 'tick', afterMicros: after };
  }
}

/**
 * A fixed-layout codec: [type (0 ping, 1 pong)][counter, 4 bytes][padding]. Hand-written like the
 * Raft's, so the engine benchmark measures the engine and not a generic encoder.
 */
export const toyCodec: Codec<ToyMessage> = {
  encode(message) {
    const padLength = message.type === 'ping' ? message.pad.length : 0;
    const bytes = new Uint8Array(5 + padLength);
    bytes[0] = message.type === 'ping' ? 0 : 1;
    const c = message.counter;
    bytes[1] = c >>> 24;
    bytes[2] = (c >>> 16) & 0xff;
    bytes[3] = (c >>> 8) & 0xff;
    bytes[4] = c & 0xff;
    if (padLength > 0) bytes.fill(0x78, 5);
    return bytes;
  },
  decode(bytes) {
    const counter =
      (((bytes[1] ?? 0) << 24) |
        ((bytes[2] ?? 0) << 16) |
        ((bytes[3] ?? 0) << 8) |
        (bytes[4] ?? 0)) >>>
      0;
    if (bytes[0] === 1) return { type: 'pong', counter };
    return { type: 'ping', counter, pad: 'x'.repeat(bytes.length - 5) };
  },
};

export interface ToyOptions {
  /** Mean interval between a node's pings. */
  readonly tickMicros?: number;
  /** Padding carried by each ping, to make messages heavier. */
  readonly padBytes?: number;
}

export function toyProgram(options: ToyOptions = {}): Program<ToyMessage, ToyApply, ToyNode> {
  const tickMicros = options.tickMicros ?? 10_000;
  const padBytes = options.padBytes ?? 0;
  return {
    name: 'toy',
    codec: toyCodec,
    isReply: (message) => message.type === 'pong',
    describe: (message) => `${message.type}#${message.counter}`,
    applyIndex: (applied) => applied.index,
    describeApply: (applied) => `pongs=${applied.pongs}`,
    boot: (context) => new ToyNode(context, tickMicros, padBytes),
  };
}
