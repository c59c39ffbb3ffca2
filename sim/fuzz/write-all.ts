import { writeSync } from 'node:fs';

/**
 * Writes all of a chunk: a write may take only part of it (a disk filling up, a pipe), and the
 * rest must follow or fail, never be dropped. A write that takes nothing is a full place.
 */
export function writeAll(fd: number, chunk: string): void {
  const bytes = Buffer.from(chunk, 'utf8');
  for (let offset = 0; offset < bytes.length;) {
    const written = writeSync(fd, bytes, offset);
    if (written <= 0) throw Object.assign(new Error('no room to write'), { code: 'ENOSPC' });
    offset += written;
  }
}
