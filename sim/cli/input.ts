import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { UsageError } from './args.js';

/**
 * Reads an input file (a repro, a history) whole, as UTF-8. Only a regular file is read: a
 * device such as /dev/zero never ends and a FIFO with no writer never starts, so either would
 * hang the command. The file is opened without blocking and checked through its descriptor, so
 * that what is checked is what is read. Any failure is a one-line UsageError (exit 2).
 */
export function readInputFile(command: string, path: string): string {
  const refuse = (why: string) => new UsageError(`${command}: cannot read ${path} (${why})`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse((error as NodeJS.ErrnoException).code ?? 'error');
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw refuse('a directory');
    if (!stats.isFile()) throw refuse('not a regular file');
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw refuse((error as NodeJS.ErrnoException).code ?? 'error');
  } finally {
    closeSync(fd);
  }
}
