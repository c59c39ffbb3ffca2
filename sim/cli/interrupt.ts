import { EXIT_INTERRUPTED, removeTemporaries } from './output.js';

export { EXIT_INTERRUPTED } from './output.js';

/**
 * Ctrl-C for a long command: the first press asks it to stop where it stands (it then prints
 * what it has so far); a second press ends the process at once, removing temporary files.
 */
export class Interrupt {
  private pressed = false;
  /** The exit code of a second press: 1 once a failure is kept, so a script still sees it. */
  private hardExitCode = EXIT_INTERRUPTED;
  private readonly listeners = new Set<() => void>();
  private readonly handler = () => {
    if (this.pressed) {
      removeTemporaries();
      process.exit(this.hardExitCode);
    }
    this.pressed = true;
    for (const listener of this.listeners) listener();
  };

  constructor() {
    process.on('SIGINT', this.handler);
  }

  /** A failure is kept on disk: from now on even a second press ends with exit 1. */
  failureKept(): void {
    this.hardExitCode = 1;
  }

  get interrupted(): boolean {
    return this.pressed;
  }

  /** Calls `listener` on Ctrl-C (at once if it was already pressed); returns its removal. */
  on(listener: () => void): () => void {
    if (this.pressed) listener();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * The command is done. A press while the process still winds down (workers stopping) must not
   * fall to Node's default, which ends it as 130 whatever the command found: it ends the process
   * with the command's exit code, which main.ts sets before a signal can be handled.
   */
  dispose(): void {
    process.off('SIGINT', this.handler);
    this.listeners.clear();
    if (!process.listeners('SIGINT').includes(exitWithCommandCode)) {
      process.on('SIGINT', exitWithCommandCode);
    }
  }
}

function exitWithCommandCode(): void {
  removeTemporaries();
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_INTERRUPTED);
}
