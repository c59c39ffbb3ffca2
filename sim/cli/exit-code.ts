/** The process's exit codes that depend on what a command has done so far. */

/** The exit code of a command cut short by Ctrl-C that found no failure (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

let failureKept = false;

/** A failure's report (or its repro, on stderr) is kept: the command's outcome is a failure. */
export function markFailureKept(): void {
  failureKept = true;
}

/**
 * The exit code of a one-line error (bad usage or input, an output that cannot be written: a
 * full disk, /dev/full): 2, unless a failure is already kept, which exit 1 must still tell a
 * script.
 */
export function usageErrorExitCode(): number {
  return failureKept ? 1 : 2;
}

/**
 * The exit code when standard output's reader went away (`| head`): that of a writer SIGPIPE
 * ended (141), unless a failure is already kept, which exit 1 must still tell a script.
 */
export function brokenPipeExitCode(): number {
  return failureKept ? 1 : 141;
}

/** Signals that end a process at once by default, other than Ctrl-C, and their numbers. */
export const TERMINATING_SIGNALS = { SIGTERM: 15, SIGHUP: 1 } as const;

/** Every signal a command ends on: Ctrl-C and the terminating ones. */
export const STOPPING_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGINT',
  ...(Object.keys(TERMINATING_SIGNALS) as NodeJS.Signals[]),
];

/** The exit code of a process a signal ended: 128 + its number (130 for Ctrl-C). */
export function signalExitCode(signal: NodeJS.Signals): number {
  if (signal === 'SIGINT') return EXIT_INTERRUPTED;
  return 128 + TERMINATING_SIGNALS[signal as keyof typeof TERMINATING_SIGNALS];
}
