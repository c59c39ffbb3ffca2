import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmdirSync,
  statSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeAll } from '../fuzz/write-all.js';
import { UsageError } from './args.js';
import { asUsageError } from './system-error.js';
import { openStream } from './named-pipe.js';
import { AtomicFile, removeTemporaries, statOrNullQuiet } from './atomic-file.js';
import { brokenPipeExitCode, STOPPING_SIGNALS } from './exit-code.js';

export { asUsageError } from './system-error.js';
export { awaitPipeReaders } from './named-pipe.js';

/**
 * Where a command writes a file, checked before any work starts so that a bad path fails at
 * once, not after a long campaign. `-` is standard output; a FIFO or a device (or a symlink to
 * one) is written through as a stream; a regular file (or a symlink to one, which stays a
 * symlink) is replaced atomically; anything else is refused.
 */
export type OutputTarget =
  | { readonly kind: 'stdout'; readonly path: '-' }
  | { readonly kind: 'stream'; readonly path: string }
  | { readonly kind: 'file'; readonly path: string };

function statOrNull(path: string, follow: boolean): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** What an error about an output names: its flag (`trace` as --trace), or a fixed file's role. */
function named(flag: string): string {
  return /^[a-z-]+$/.test(flag) ? `--${flag}` : flag;
}

/**
 * Checks an output file's location; throws a UsageError (exit 2) naming the flag (`trace` for
 * --trace; a name with a space, such as "bench output", is used as written).
 */
export function checkOutput(flag: string, path: string): OutputTarget {
  if (path === '-') return { kind: 'stdout', path };
  const refuse = (why: string) => new UsageError(`${named(flag)}: ${path}: ${why}`);
  if (path === '') throw refuse('an empty path');
  // A trailing slash names a folder: the file would otherwise land beside it, under its name.
  if (path.endsWith('/')) throw refuse('names a folder (a file is wanted: drop the final /)');
  let own: Stats | null;
  let target: Stats | null;
  try {
    own = statOrNull(path, false);
    target = own === null ? null : statOrNull(path, true);
  } catch (error) {
    throw refuse(`cannot be checked (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (own !== null && target === null) throw refuse('a symlink to nothing');
  if (target !== null && target.isDirectory()) throw refuse('is a directory');
  if (target !== null && (target.isFIFO() || target.isCharacterDevice())) {
    if (!writable(path)) throw refuse('not writable');
    return { kind: 'stream', path };
  }
  if (target !== null && !target.isFile()) throw refuse('not a regular file, FIFO or device');
  // A regular file, new or replaced: the rename happens in the directory of the real file.
  const real = own === null ? resolve(path) : realpathSync(path);
  checkOutputDir(flag, dirname(real), path);
  if (target !== null && !writable(real)) throw refuse('not writable');
  if (target !== null) {
    const folder = statSync(dirname(real), { throwIfNoEntry: false });
    if (folder !== undefined && stickyBlocksReplacing(folder, target, process.getuid?.()))
      throw refuse(
        "another user's file in a folder with the sticky bit (as /tmp): cannot replace it",
      );
  }
  return { kind: 'file', path: real };
}

/** The mode bit that keeps a shared folder's entries to their owners (`chmod +t`). */
const STICKY_BIT = 0o1000;

/**
 * Whether the rename that replaces `file` in `folder` will be refused for user `uid`: in a folder
 * with the sticky bit only the owner of an entry, of the folder, or root may replace it, however
 * writable the file is.
 */
export function stickyBlocksReplacing(
  folder: Pick<Stats, 'mode' | 'uid'>,
  file: Pick<Stats, 'uid'>,
  uid: number | undefined,
): boolean {
  if (uid === undefined || uid === 0 || file.uid === uid || folder.uid === uid) return false;
  return (folder.mode & STICKY_BIT) !== 0;
}

/**
 * Refuses a command line whose outputs would land on top of each other: two outputs to one
 * file (the second would silently replace the first), or two documents on standard output
 * (`--json` and an output of `-`, or two outputs of `-`), which no reader could split again;
 * nor may an output replace the `input` the command reads (replay --html over its repro).
 * `outputs` maps each flag to its checked target (null when not given).
 */
export function checkDistinctOutputs(
  json: boolean,
  outputs: Readonly<Record<string, OutputTarget | null>>,
  input?: { readonly what: string; readonly path: string },
): void {
  const stdout = stdoutPlace();
  const seen = new Map<string, string>(json ? [[stdout, '--json']] : []);
  if (input !== undefined) {
    // Read from `-`, the input is whatever standard input is: a file redirected in, or a pipe
    // that an output of /dev/stdin would write back into (and wait on, since nobody reads it).
    const place = input.path === '-' ? stdinPlace() : placeOf(input.path);
    const source = input.path === '-' ? 'on standard input' : input.path;
    for (const [flag, target] of Object.entries(outputs)) {
      if (place === null || target === null || target.kind === 'stdout') continue;
      if (placeOf(target.path) === place)
        throw new UsageError(
          `--${flag} would overwrite ${input.what} ${source}; write it elsewhere`,
        );
    }
  }
  for (const [flag, target] of Object.entries(outputs)) {
    if (target === null) continue;
    const key = target.kind === 'stdout' ? stdout : placeOf(target.path);
    const other = seen.get(key);
    if (other !== undefined) {
      const where = key === stdout ? 'standard output' : target.path;
      throw new UsageError(`--${flag} and ${other} both write ${where}; give each its own place`);
    }
    seen.set(key, `--${flag}`);
  }
}

/**
 * Where a command's human summary goes: stderr when one of its outputs is standard output (`-`,
 * or a path that is where it goes), so that the document there stays whole; else stdout.
 */
export function summaryStream(outputs: readonly (OutputTarget | null)[]): NodeJS.WriteStream {
  const stdout = stdoutPlace();
  const taken = outputs.some(
    (target) => target !== null && (target.kind === 'stdout' || placeOf(target.path) === stdout),
  );
  return taken ? process.stderr : process.stdout;
}

let nullDeviceUses = 0;

function isNullDevice(stats: Stats): boolean {
  if (!stats.isCharacterDevice()) return false;
  const nullDevice = statSync('/dev/null', { throwIfNoEntry: false });
  return nullDevice !== undefined && stats.rdev === nullDevice.rdev;
}

/**
 * The file an open descriptor reads or writes, as placeOf names it (device and inode), and its
 * stats; null if it cannot be looked at.
 */
function descriptorPlace(fd: number): { place: string; stats: Stats } | null {
  try {
    const stats = fstatSync(fd);
    return { place: `${stats.dev}:${stats.ino}`, stats };
  } catch {
    return null;
  }
}

/** Where standard output goes, as placeOf names it: /dev/stdout or a file it is sent to. */
function stdoutPlace(): string {
  return descriptorPlace(1)?.place ?? '-';
}

/** Where standard input comes from, as placeOf names it; null when that is nothing to keep. */
function stdinPlace(): string | null {
  const input = descriptorPlace(0);
  return input === null || isNullDevice(input.stats) ? null : input.place;
}

/**
 * The file a path writes, the same whatever path leads to it: device and inode for a file that
 * exists (so /dev/stdout, a symlink or a second hard link is the same place), else the real
 * path of its folder with its name (so a symlinked folder is too).
 */
function placeOf(path: string): string {
  try {
    const stats = statSync(path);
    // The null device keeps nothing, so no two writers can spoil it: each use is a place apart.
    if (isNullDevice(stats)) return `null device ${nullDeviceUses++}`;
    return `${stats.dev}:${stats.ino}`;
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Checks a folder that outputs go into: it is a folder, or can be made, and entries can be
 * made in it. The proof is to make (one level at a time, never recursively: Node's recursive
 * mkdir loops on some paths under /proc) and remove a probe entry; folders made for the probe
 * are removed again, so a command that ends up writing nothing leaves nothing behind.
 * Throws a UsageError naming the flag.
 */
export function checkOutputDir(flag: string, path: string, forFile?: string): string {
  // For a file's folder, the error names the file the user gave, then what is wrong where.
  const refuse = (why: string) =>
    new UsageError(
      forFile === undefined
        ? `${named(flag)}: ${path}: ${why}`
        : `${named(flag)}: ${forFile}: its folder ${path}: ${why}`,
    );
  if (path === '') throw refuse('an empty path');
  // Everywhere else `-` is standard output, which cannot hold a folder: give ./- to mean one.
  if (path === '-') throw refuse('a folder, not standard output (write ./- for a folder named -)');
  const full = resolve(path);
  const missing: string[] = [];
  for (let dir = full; ; dir = dirname(dir)) {
    const stats = statOrNullQuiet(dir);
    if (stats !== null) {
      if (!stats.isDirectory()) throw refuse(`${dir} is not a directory`);
      break;
    }
    if (dirname(dir) === dir) throw refuse('no such place');
    missing.unshift(dir);
  }
  const made: string[] = [];
  try {
    for (const dir of missing) {
      mkdirSync(dir);
      made.unshift(dir);
    }
    rmdirSync(mkdtempSync(join(full, '.raftsim-probe-')));
  } catch (error) {
    throw refuse(`cannot write there (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  } finally {
    for (const dir of made) rmdirQuiet(dir);
  }
  return path;
}

function rmdirQuiet(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // not ours to remove after all
  }
}

/**
 * A command with no signal handler of its own (run, replay, check, bench) dies at once on Ctrl-C,
 * SIGTERM or SIGHUP, which is right while it simulates but would leave a half-written temporary
 * file behind while it writes. From its first write on (its last step), such a signal is held
 * instead: the write finishes, the file is whole and in place, and the command ends with its
 * own exit code, so a failure it found is still reported as one. The listener only holds the
 * signal; a command's own Interrupt, if one comes later, still sees it.
 */
function holdInterruptsWhileWriting(): void {
  for (const signal of STOPPING_SIGNALS) {
    if (process.listenerCount(signal) > 0) continue; // the command's own, or held already
    process.on(signal, () => {
      // held: the synchronous write in progress has already finished when this runs
    });
  }
}

/**
 * Writes an output checked by checkOutput. A failed write (a full disk, a device that refuses)
 * is a one-line error naming the path, exit 2, with no temporary file left.
 */
export function writeOutput(target: OutputTarget, chunks: Iterable<string | Uint8Array>): void {
  if (target.kind === 'stdout') {
    for (const chunk of chunks) process.stdout.write(chunk);
    return;
  }
  // A file's temporary must not be left half-written; a stream has nothing to protect, and a
  // signal must still end a write that waits on a stalled reader.
  if (target.kind === 'file') holdInterruptsWhileWriting();
  const output = openOutput(target);
  try {
    for (const chunk of chunks) {
      try {
        writeAll(output.fd, chunk);
      } catch (error) {
        failedWrite(output.name, error);
      }
    }
    output.finish();
  } catch (error) {
    output.abandon();
    throw error;
  }
}

/**
 * An output opened to be written piece by piece (a trace, as the run makes it): its descriptor,
 * which any thread of this process may write (the streamed run's worker does). A file is still
 * whole or absent: its pieces go to a temporary beside it, renamed in by `finish`, removed by
 * `abandon` (and by the signal handlers, which remove every temporary).
 */
export interface OpenOutput {
  readonly fd: number;
  /** The place, as an error names it. */
  readonly name: string;
  finish(): void;
  /** After a failure: removes what a file target wrote; a stream keeps what it got. */
  abandon(): void;
}

export function openOutput(target: OutputTarget): OpenOutput {
  const path = target.path;
  if (target.kind === 'file') {
    const file = asUsageError(path, () => AtomicFile.open(path));
    return {
      fd: file.fd,
      name: path,
      finish: () => asUsageError(path, () => file.commit()),
      abandon: () => file.abandon(),
    };
  }
  if (target.kind === 'stdout') {
    const nothing = () => undefined;
    return { fd: 1, name: STANDARD_OUTPUT, finish: nothing, abandon: nothing };
  }
  const fd = asUsageError(path, () => openStream(path));
  return {
    fd,
    name: path,
    finish: () => asUsageError(path, () => closeSync(fd)),
    abandon: () => {
      try {
        closeSync(fd);
      } catch {
        // closing after a failed write: the write's error is the one to report
      }
    },
  };
}

const STANDARD_OUTPUT = 'standard output';

/**
 * A write to an opened output failed. On standard output, a reader that went away (`| head`)
 * ends the process quietly, as the shell's SIGPIPE would (main.ts does the same for
 * process.stdout); any other system error is one line naming the place, exit 2.
 */
export function failedWrite(name: string, error: unknown): never {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === undefined) throw error;
  if (name === STANDARD_OUTPUT && code === 'EPIPE') {
    removeTemporaries();
    process.exit(brokenPipeExitCode());
  }
  throw new UsageError(`cannot write ${name} (${code})`);
}

/**
 * Writes a regular file all at once or not at all: the text goes to a temporary file beside the
 * target, renamed into place only when complete. On any error the temporary file is removed,
 * and a system error is a UsageError naming the path.
 */
export function writeFileAtomic(path: string, chunks: Iterable<string>): void {
  writeOutput({ kind: 'file', path }, chunks);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
