/**
 * Named pipes as outputs (`--trace fifo`): a command waits for the reader before it writes,
 * instead of blocking on an open that no Ctrl-C can end.
 */

import { openSync, statSync, constants } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { UsageError } from './args.js';
import type { OutputTarget } from './output.js';
import { asUsageError } from './system-error.js';

/** How long a command waits for a named pipe's reader to turn up, and how often it looks. */
export const PIPE_READER_WAIT_MILLIS = 10_000;
const PIPE_READER_POLL_MILLIS = 50;

/** Named pipes opened by awaitPipeReaders, each with its reader there, for writeOutput. */
const readyPipes = new Map<string, number>();

/**
 * Before a command's first write: waits for a reader on every output that is a named pipe, up
 * to PIPE_READER_WAIT_MILLIS (saying so on stderr), then gives up with a one-line error. Opened
 * blindly, such a pipe would block the command until a reader came, past any Ctrl-C a handler
 * holds; here the wait is asynchronous, so Ctrl-C ends it as it ends the simulation. The pipe is
 * kept open for the write (closing it would hand the reader an end of file).
 */
export async function awaitPipeReaders(targets: readonly (OutputTarget | null)[]): Promise<void> {
  for (const target of targets) {
    if (target === null || target.kind !== 'stream' || readyPipes.has(target.path)) continue;
    const path = target.path;
    if (!asUsageError(path, () => statSync(path).isFIFO())) continue;
    readyPipes.set(path, await pipeWithReader(path));
  }
}

async function pipeWithReader(path: string): Promise<number> {
  for (let waited = 0; ; waited += PIPE_READER_POLL_MILLIS) {
    const fd = asUsageError(path, () => openIfRead(path));
    if (fd !== null) return fd;
    if (waited === 0)
      process.stderr.write(`raftsim: ${path}: waiting for a reader on the named pipe\n`);
    if (waited >= PIPE_READER_WAIT_MILLIS)
      throw new UsageError(
        `cannot write ${path}: no reader on the named pipe after ${PIPE_READER_WAIT_MILLIS / 1000} s`,
      );
    await delay(PIPE_READER_POLL_MILLIS);
  }
}

/**
 * A named pipe opened for writing without blocking, or null while no reader has it open. The
 * descriptor stays non-blocking: a reader that is slow makes writeAll wait, one that leaves
 * makes the write fail (EPIPE), and nothing can hang on an open.
 */
function openIfRead(path: string): number | null {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') return null;
    throw error;
  }
}

/** A stream output's descriptor: a pipe awaitPipeReaders opened, else opened now. */
export function openStream(path: string): number {
  const ready = readyPipes.get(path);
  if (ready !== undefined) {
    readyPipes.delete(path);
    return ready;
  }
  if (!statSync(path).isFIFO()) return openSync(path, 'w');
  const fd = openIfRead(path);
  if (fd === null) throw new UsageError(`cannot write ${path}: no reader on the named pipe`);
  return fd;
}
