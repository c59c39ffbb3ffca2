/**
 * A crash inside an input (the crashMidInput fault): armed with how many effects of the node's
 * next input it performs before it dies, then counted down through that input's effects.
 */
export class CrashPoint {
  /** Armed: effects of the next input to perform before dying (null: not armed). */
  private armedAfter: number | null = null;
  /** Effects the current input may still perform before the node dies (null: no crash due). */
  private countdown: number | null = null;

  /** Whether a crash point waits for the node's next input. */
  get armed(): boolean {
    return this.armedAfter !== null;
  }

  /** Whether the input under way is to end in a crash. */
  get due(): boolean {
    return this.countdown !== null;
  }

  arm(afterEffects: number): void {
    this.armedAfter = afterEffects;
  }

  disarm(): void {
    this.armedAfter = null;
  }

  /** An input starts: an armed crash point now counts its effects. */
  begin(): void {
    if (this.armedAfter === null) return;
    this.countdown = this.armedAfter;
    this.armedAfter = null;
  }

  /** Called before each effect: true when the node dies instead of performing it. */
  reached(): boolean {
    return this.countdown !== null && this.countdown-- === 0;
  }

  /** The node died (at the point, or by any other crash): nothing is armed or due. */
  clear(): void {
    this.armedAfter = null;
    this.countdown = null;
  }

  /** The crash happened: nothing is due any more (an armed point stays armed). */
  spend(): void {
    this.countdown = null;
  }
}
