import { removeTemporaries } from './atomic-file.js';
import {
  EXIT_INTERRUPTED,
  markFailureKept,
  signalExitCode,
  STOPPING_SIGNALS,
  TERMINATING_SIGNALS,
} from './exit-code.js';

export { EXIT_INTERRUPTED } from './exit-code.js';

/**
 * Two SIGINTs this close together are one stop delivered twice, not a second press: GNU
 * `timeout -s INT` signals the command and then its whole process group, and no hand presses
 * twice within 50 ms.
 */
const ONE_PRESS_MS = 50;

/**
 * Ctrl-C for a long command: the first press asks it to stop where it stands (it then prints
 * what it has so far); a second press ends the process at once, removing temporary files.
 * SIGTERM and SIGHUP (a supervisor stopping the job, a closed terminal) end it at once too, but
 * only between two steps of the main thread: a report being written is finished first, and no
 * temporary file or folder is left behind.
 */
export class Interrupt {
  private pressed = false;
  private pressedAt = 0;
  /** The exit code of a hard stop: 1 once a failure is kept, so a script still sees it. */
  private hardExitCode = EXIT_INTERRUPTED;
  private readonly listeners = new Set<() => void>();
  private readonly handler = () => {
    const now = performance.now();
    if (this.pressed) {
      if (now - this.pressedAt >= ONE_PRESS_MS) this.stopNow(EXIT_INTERRUPTED);
      return;
    }
    this.pressed = true;
    this.pressedAt = now;
    for (const listener of this.listeners) listener();
  };
  private readonly terminated = (signal: NodeJS.Signals) => this.stopNow(signalExitCode(signal));

  constructor() {
    process.on('SIGINT', this.handler);
    for (const signal of terminatingSignals()) process.on(signal, this.terminated);
  }

  /**
   * A failure is kept (its report, or its repro on stderr): from now on a hard stop, or an
   * output that cannot be written, ends with exit 1.
   */
  failureKept(): void {
    this.hardExitCode = 1;
    markFailureKept();
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
   * The command is done. A signal while the process still winds down (workers stopping) must
   * not fall to Node's default, which ends it as 130 (or 143) whatever the command found: it
   * ends the process with the command's exit code, which main.ts sets before a signal can be
   * handled.
   */
  dispose(): void {
    process.off('SIGINT', this.handler);
    for (const signal of terminatingSignals()) process.off(signal, this.terminated);
    this.listeners.clear();
    for (const signal of STOPPING_SIGNALS) {
      if (!process.listeners(signal).includes(exitWithCommandCode)) {
        process.on(signal, exitWithCommandCode);
      }
    }
  }

  private stopNow(signalCode: number): never {
    removeTemporaries();
    process.exit(this.hardExitCode === 1 ? 1 : signalCode);
  }
}

function terminatingSignals(): NodeJS.Signals[] {
  return Object.keys(TERMINATING_SIGNALS) as NodeJS.Signals[];
}

function exitWithCommandCode(): void {
  removeTemporaries();
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_INTERRUPTED);
}
