import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { UsageError } from './args.js';

/** The largest input read: past it a file is refused before it is read (a string's limit). */
export const MAX_INPUT_BYTES = 512 * 1024 ** 2;

/** How long to wait before reading a pipe again when its writer has sent nothing yet. */
const PIPE_POLL_MILLIS = 5;

/**
 * Reads an input file (a repro, a history) whole, as UTF-8: a regular file, or a pipe or socket
 * (such as `-` for standard input, `/dev/stdin` or `<(gunzip -c history.gz)`). A device such as
 * /dev/zero never ends, so it is refused; a named pipe with no writer reads as empty rather than waiting for one. The file is
 * opened without blocking and checked through its descriptor, so that what is checked is what
 * is read. Any failure is a one-line UsageError (exit 2).
 */
export function readInputFile(command: string, path: string): string {
  const stdin = path === '-';
  const name = stdin ? 'standard input' : path;
  const refuse = (why: string) => new UsageError(`${command}: cannot read ${name} (${why})`);
  let fd: number;
  try {
    fd = stdin ? 0 : openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw refuse((error as NodeJS.ErrnoException).code ?? 'error');
  }
  try {
    const stats = fstatSync(fd);
    if (stdin && isatty(fd)) throw refuse('a terminal: pipe or redirect a file into it');
    if (stats.isDirectory()) throw refuse('a directory');
    if (stats.isFile()) {
      if (stats.size > MAX_INPUT_BYTES)
        throw refuse(`${stats.size} bytes; at most ${MAX_INPUT_BYTES}`);
      return readFileSync(fd, 'utf8');
    }
    if (stats.isFIFO() || stats.isSocket()) return readPipe(fd, refuse);
    throw refuse('not a regular file or a pipe');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw refuse((error as NodeJS.ErrnoException).code ?? 'error');
  } finally {
    if (!stdin) closeSync(fd);
  }
}

/** Reads a pipe opened without blocking to its end: waits while its writer is still writing. */
function readPipe(fd: number, refuse: (why: string) => UsageError): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(1 << 16);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, PIPE_POLL_MILLIS); // nothing yet; the writer is still there
      continue;
    }
    if (read === 0) break;
    total += read;
    if (total > MAX_INPUT_BYTES) throw refuse(`more than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks).toString('utf8');
}
