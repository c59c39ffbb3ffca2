/**
 * The simulator's contract with a program, declared again here because raft/ imports nothing
 * from outside itself. The shapes must stay structurally identical to sim/program.ts and
 * sim/codec.ts: the compiler checks the match wherever the simulator runs this program.
 */
import type { Codec } from './codec.js';

export type Effect<M, A> =
  | { readonly kind: 'send'; readonly to: number; readonly message: M }
  /** Replaces any pending timer of the same name. */
  | { readonly kind: 'setTimer'; readonly name: string; readonly afterMicros: number }
  | { readonly kind: 'cancelTimer'; readonly name: string }
  /** Saves both atomically, replacing both: a null snapshot erases the one saved before. */
  | {
      readonly kind: 'persist';
      readonly raftState: Uint8Array;
      readonly snapshot: Uint8Array | null;
    }
  | { readonly kind: 'apply'; readonly message: A }
  /** A trace annotation: role changes, ignored calls. */
  | { readonly kind: 'note'; readonly text: string };

export interface Instance<M, A> {
  start(): readonly Effect<M, A>[];
  timer(name: string): readonly Effect<M, A>[];
  message(from: number, message: M): readonly Effect<M, A>[];
}

export interface BootContext {
  readonly id: number;
  readonly nodes: number;
  readonly raftState: Uint8Array;
  readonly snapshot: Uint8Array;
  readonly seed: number;
}

export interface Program<M, A, I extends Instance<M, A> = Instance<M, A>> {
  readonly name: string;
  readonly codec: Codec<M>;
  isReply(message: M): boolean;
  describe(message: M): string;
  applyIndex(applied: A): number;
  describeApply(applied: A): string;
  boot(context: BootContext): I;
  bootRefusal?(error: unknown): string | null;
  panicOf?(error: unknown): string | null;
}
