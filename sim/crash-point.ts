/**
 * A crash inside an input, armed by a fault. crashMidInput: how many effects of the node's next
 * input it performs before it dies, then counted down through that input's effects.
 * crashAtSave: how many saves it performs before it dies at the next one.
 */
export class CrashPoint {
  /** Armed: effects of the next input to perform before dying (null: not armed). */
  private armedAfter: number | null = null;
  /** Saves the node performs before it dies at the next one (crashAtSave); null: none armed. */
  private savesToCrash: number | null = null;
  /** Effects the current input may still perform before the node dies (null: no crash due). */
  private countdown: number | null = null;

  /** Whether a crash point waits for the node's next input or save. */
  get armed(): boolean {
    return this.armedAfter !== null || this.savesToCrash !== null;
  }

  /** Whether the input under way is to end in a crash. */
  get due(): boolean {
    return this.countdown !== null;
  }

  arm(afterEffects: number): void {
    this.armedAfter = afterEffects;
  }

  armAtSave(saves: number): void {
    this.savesToCrash = saves;
  }

  disarm(): void {
    this.armedAfter = null;
    this.savesToCrash = null;
  }

  /** An input starts: an armed crash point now counts its effects. */
  begin(): void {
    if (this.armedAfter === null) return;
    this.countdown = this.armedAfter;
    this.armedAfter = null;
  }

  /** Called before each save that is about to reach the disk: true when the node dies there. */
  reachedSave(): boolean {
    return this.savesToCrash !== null && this.savesToCrash-- === 0;
  }

  /** Called before each effect: true when the node dies instead of performing it. */
  reached(): boolean {
    return this.countdown !== null && this.countdown-- === 0;
  }

  /** The node died (at the point, or by any other crash): nothing is armed or due. */
  clear(): void {
    this.armedAfter = null;
    this.savesToCrash = null;
    this.countdown = null;
  }

  /** The crash happened: nothing is due any more (a point armed for the next input stays). */
  spend(): void {
    this.countdown = null;
    this.savesToCrash = null;
  }
}
