import type { Codec } from './codec.js';
import type { Micros } from './time.js';

/**
 * What a state machine asks its host to do, in order. The host executes them one by one, so a
 * `persist` placed before a `send` is durable before the message leaves.
 */
export type Effect<M, A> =
  | { readonly kind: 'send'; readonly to: number; readonly message: M }
  /** Replaces any pending timer of the same name. */
  | { readonly kind: 'setTimer'; readonly name: string; readonly afterMicros: Micros }
  | { readonly kind: 'cancelTimer'; readonly name: string }
  /** Saves both atomically, replacing both: a null snapshot erases the one saved before. */
  | {
      readonly kind: 'persist';
      readonly raftState: Uint8Array;
      readonly snapshot: Uint8Array | null;
    }
  | { readonly kind: 'apply'; readonly message: A }
  /** An annotation for the trace (a role change, an ignored call). */
  | { readonly kind: 'note'; readonly text: string };

/** One running incarnation of a node's state machine. Inputs in, effects out. */
export interface Instance<M, A> {
  /** The effects of booting (arming timers, ...), asked for once right after boot(). */
  start(): readonly Effect<M, A>[];
  timer(name: string): readonly Effect<M, A>[];
  message(from: number, message: M): readonly Effect<M, A>[];
}

/** What a node boots from: its durable state and a seed for its own generator. */
export interface BootContext {
  readonly id: number;
  readonly nodes: number;
  readonly raftState: Uint8Array;
  readonly snapshot: Uint8Array;
  /** Drawn from the node's own stream, fresh for every boot. */
  readonly seed: number;
}

/** A kind of node the engine can run: how to boot one and how its messages travel. */
export interface Program<M, A, I extends Instance<M, A> = Instance<M, A>> {
  readonly name: string;
  readonly codec: Codec<M>;
  /** Replies and requests meet different loss rates and reordering (labrpc). */
  isReply(message: M): boolean;
  describe(message: M): string;
  /** The trace's value for an apply (the log index, say) and its text. */
  applyIndex(applied: A): number;
  describeApply(applied: A): string;
  boot(context: BootContext): I;
  /**
   * Why boot() refused to start on the saved state it was given (the error it threw), or null
   * if that error is not a refusal. A program without it never refuses.
   */
  bootRefusal?(error: unknown): string | null;
  /**
   * What to say of an error the program's code threw while handling an input if a Go program
   * would have panicked there (a labgob decode that failed, say), or null if it is not a panic
   * (the node's own assertion), which then goes on as it is. JavaScript's errors for a slip in
   * the code are panics whatever this says.
   */
  panicOf?(error: unknown): string | null;
}
