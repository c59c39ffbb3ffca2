import { writeSync } from 'node:fs';

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const FULL_PIPE_WAIT_MILLIS = 5;

/**
 * Writes all of a chunk: a write may take only part of it (a disk filling up, a pipe), and the
 * rest must follow or fail, never be dropped. A write that takes nothing is a full place.
 */
export function writeAll(fd: number, chunk: string | Uint8Array): void {
  const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  for (let offset = 0; offset < bytes.length;) {
    let written: number;
    try {
      written = writeSync(fd, bytes, offset);
    } catch (error) {
      // A pipe opened without blocking (named-pipe.ts) is full: its reader is behind, so wait.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(PAUSE, 0, 0, FULL_PIPE_WAIT_MILLIS);
      continue;
    }
    if (written <= 0) throw Object.assign(new Error('no room to write'), { code: 'ENOSPC' });
    offset += written;
  }
}
