import { UsageError } from './args.js';

/**
 * Runs a write of `what` (a path, or words naming it), turning a system error (a full disk, a
 * folder where a file was expected, no permission) into a one-line UsageError: the place, not
 * the program, is at fault. Any other error passes through.
 */
export function asUsageError<T>(what: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined || error instanceof UsageError) throw error;
    throw new UsageError(`cannot write ${what} (${code})`);
  }
}
