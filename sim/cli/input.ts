import { constants } from 'node:buffer';
import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
} from 'node:fs';
import { isatty } from 'node:tty';
import { gunzipSync } from 'node:zlib';
import { UsageError } from './args.js';

/** The largest input read: past it a file is refused before it is read (a string's limit). */
export const MAX_INPUT_BYTES = 512 * 1024 ** 2;

/** The most characters a string may hold in this Node (about 2^29). */
const STRING_CHARS = constants.MAX_STRING_LENGTH;

/** How long to wait before reading a pipe again when its writer has sent nothing yet. */
const PIPE_POLL_MILLIS = 5;

/**
 * Reads an input file (a repro, a history) whole, as text: a regular file, or a pipe or socket
 * (such as `-` for standard input or `/dev/stdin`). A device such as /dev/zero never ends, so it
 * is refused; a named pipe with no writer reads as empty rather than waiting for one. The file
 * is opened without blocking and checked through its descriptor, so that what is checked is what
 * is read. Gzipped input (long histories are kept that way) is unpacked, within the same size
 * limit. Text is UTF-8, or UTF-16 with its byte-order mark (decodeText). Any failure is a
 * one-line UsageError (exit 2).
 */
export function readInputFile(command: string, path: string): string {
  const stdin = path === '-';
  const refuse = (why: string) =>
    new UsageError(`${command}: cannot read ${stdin ? 'standard input' : path} (${why})`);
  return decodeInput(readInputBytes(refuse, path), refuse);
}

/** The magic number that starts every gzip stream. */
const GZIP_MAGIC = [0x1f, 0x8b];

function decodeInput(bytes: Buffer, refuse: (why: string) => UsageError): string {
  let text = bytes;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      text = gunzipSync(bytes, { maxOutputLength: MAX_INPUT_BYTES });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw refuse(
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `unpacks to more than ${MAX_INPUT_BYTES} bytes`
          : 'gzip data that does not unpack',
      );
    }
  }
  for (const [byte, what, most] of PIECES) {
    if (countAtLeast(text, byte, most + 1)) throw refuse(`more than ${most} ${what}`);
  }
  return decodeText(text, refuse);
}

/**
 * Input text is UTF-8, or UTF-16 with its byte-order mark (what Windows PowerShell's `>` writes);
 * TextDecoder drops the mark, which JSON.parse would reject. Anything else is refused by name,
 * not decoded into replacement characters that would change the values read.
 */
function decodeText(bytes: Buffer, refuse: (why: string) => UsageError): string {
  const mark = (bytes[0] ?? 0) * 256 + (bytes[1] ?? 0);
  const encoding = mark === 0xfffe ? 'utf-16le' : mark === 0xfeff ? 'utf-16be' : 'utf-8';
  // UTF-16 without its mark has a NUL in one of its first two bytes when it starts with ASCII, as
  // every format read here does; a NUL further on is the parser's to name.
  if (encoding === 'utf-8' && bytes.length > 0 && (bytes[0] === 0 || bytes[1] === 0))
    throw refuse('a NUL byte in its first two: UTF-16 without a byte-order mark, or not text');
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (error) {
    // A file just under MAX_INPUT_BYTES can still hold more characters than one string may.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG')
      throw refuse(`more than ${STRING_CHARS} characters, the most one text can hold`);
    throw refuse(`not valid ${encoding.toUpperCase()} text: save it as UTF-8`);
  }
}

/**
 * The most lines, or commas, an input may hold. Node cannot make an array much past 134 million
 * elements, and fails then with a fatal error no handler sees (a crash, not an exception); a
 * file of that many lines or list items fits in the size limit when each is a byte or two. The
 * largest real history read here (4.3 million operations, 515 MB) has about a tenth as many.
 */
const MAX_PIECES = 100_000_000;
/**
 * The most objects (counted as opening braces, inside strings too): JSON.parse takes about 40 s
 * and 3 GB on 30 million empty ones, and minutes on the 100 million the size limit allows. A
 * history of the largest size has about 12 million (three per operation), an EDN one one a line.
 */
const MAX_OBJECTS = 20_000_000;
const PIECES: readonly (readonly [number, string, number])[] = [
  [0x0a, 'lines', MAX_PIECES],
  [0x2c, 'commas (list items)', MAX_PIECES],
  [0x7b, 'objects ({)', MAX_OBJECTS],
];

/** Whether `bytes` holds `byte` at least `count` times (stops counting there). */
function countAtLeast(bytes: Buffer, byte: number, count: number): boolean {
  let seen = 0;
  for (let at = bytes.indexOf(byte); at >= 0; at = bytes.indexOf(byte, at + 1)) {
    if (++seen >= count) return true;
  }
  return false;
}

function readInputBytes(refuse: (why: string) => UsageError, path: string): Buffer {
  const stdin = path === '-';
  let fd: number;
  try {
    fd = stdin ? 0 : openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
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
      return readFileSync(fd);
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
function readPipe(fd: number, refuse: (why: string) => UsageError): Buffer {
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
  return Buffer.concat(chunks);
}
