import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temporary files being written, removed if the process ends before they are renamed. */
const temporaries = new Set<string>();

/** Removes any temporary file still open; for the interrupt and exit paths. */
export function removeTemporaries(): void {
  for (const path of temporaries) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  temporaries.clear();
}

/** A folder entry's name may be this long, in bytes, on the usual file systems. */
const NAME_MAX = 255;

/**
 * Opens a new temporary file beside `path`. 'wx': never through a link planted under the
 * temporary name, and never a file not ours. A name already taken (a temporary left by a killed
 * run that had the same process id, as every first process in a container has) moves on to the
 * next; a long file name is cut so that the temporary's name still fits where the file's does.
 */
function openTemporary(path: string): { temporary: string; fd: number } {
  const name = basename(path);
  for (let n = 0; ; n++) {
    const suffix = `.tmp-${process.pid}${n === 0 ? '' : `-${n}`}`;
    const room = NAME_MAX - Buffer.byteLength(`.${suffix}`);
    const temporary = join(dirname(path), `.${cutToBytes(name, room)}${suffix}`);
    try {
      return { temporary, fd: openSync(temporary, 'wx') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw error;
    }
  }
}

/** The longest start of `text` that is at most `bytes` long in UTF-8, cut between characters. */
function cutToBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let cut = '';
  for (const char of text) {
    if (Buffer.byteLength(cut + char) > bytes) break;
    cut += char;
  }
  return cut;
}

/** A regular file being written: a temporary beside it until `commit` renames it in. */
export class AtomicFile {
  private open = true;

  private constructor(
    private readonly path: string,
    private readonly temporary: string,
    readonly fd: number,
  ) {}

  static open(path: string): AtomicFile {
    mkdirSync(dirname(path), { recursive: true });
    const replaced = statOrNullQuiet(path);
    const { temporary, fd } = openTemporary(path);
    temporaries.add(temporary);
    if (replaced !== null) keepOwnerAndMode(fd, replaced);
    return new AtomicFile(path, temporary, fd);
  }

  commit(): void {
    fsyncSync(this.fd);
    this.close();
    renameSync(this.temporary, this.path);
    temporaries.delete(this.temporary);
  }

  abandon(): void {
    try {
      this.close();
    } catch {
      // closing after a failed write: the write's error is the one to report
    }
    try {
      unlinkSync(this.temporary);
    } catch {
      // already renamed
    }
    temporaries.delete(this.temporary);
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}

/**
 * A file replaced by a rename is a new file: it keeps the old one's permissions (which the
 * umask would otherwise trim to the defaults) and, where this process may set them, its owner
 * and group. Other hard links to the old file keep the old contents.
 */
function keepOwnerAndMode(fd: number, replaced: Stats): void {
  try {
    fchownSync(fd, replaced.uid, replaced.gid);
  } catch {
    // Only root may give a file away; anyone else's replacement is theirs, as with any editor.
  }
  try {
    fchmodSync(fd, replaced.mode & 0o7777); // after chown, which clears set-id bits
  } catch {
    // A file system without Unix modes (vfat, some network mounts): the default is all it has.
  }
}

/** A path's stats, or null when there is nothing there (or it cannot be read). */
export function statOrNullQuiet(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
