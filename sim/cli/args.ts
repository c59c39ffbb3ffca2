import { WHITE_BOX, type InvariantId } from '../monitors/view.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isMutantId, MUTANT_IDS, type MutantId } from '../../raft/mutants.js';
import { MAX_SERVERS, MIN_SERVERS } from '../fuzz/repro-schema.js';
import { parseDuration, type Micros } from '../time.js';

/** Bad usage or bad input: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util's parseArgs, strict, with its errors turned into one-line usage errors. */
export function parseFlags<T extends Options>(command: string, argv: string[], options: T) {
  try {
    const args = joinNegativeValues(argv, options);
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    const option = unknown ? /'([^']*)'/.exec((error as Error).message)?.[1] : undefined;
    if (option !== undefined)
      throw new UsageError(`${command}: unknown option ${option} (raftsim ${command} --help)`);
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${command}: ${message ?? 'bad arguments'}`);
  }
}

/**
 * `--runs -1` as `--runs=-1`: parseArgs takes a value that starts with a dash for a flag, and
 * its complaint ("ambiguous") hides the real one, that the number is out of range.
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return [...out, ...argv.slice(i)]; // after it, every word is a positional
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : null;
    const takesValue = name !== null && options[name]?.type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** The cluster size, by the rule every command and file shares: 3..7 servers. */
export function parseServers(text: string | undefined, fallback: number): number {
  return parseCount('nodes', text, fallback, MIN_SERVERS, MAX_SERVERS);
}

export function parseSeed(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(
      `--seed must be an integer in 0..${Number.MAX_SAFE_INTEGER}, got "${text}"`,
    );
  }
  return Number(text);
}

export function parseCount(
  flag: string,
  text: string | undefined,
  fallback: number,
  min = 1,
  max = 1e9,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`--${flag} must be an integer in ${min}..${max}, got "${text}"`);
  }
  return n;
}

/** A duration flag, with its unit (`5` alone is an error), within `max`. */
export function parseTime(
  flag: string,
  text: string | undefined,
  fallback: Micros,
  [max, maxText]: readonly [Micros, string] = [7 * 24 * 3600 * 1_000_000, '168h'],
): Micros {
  if (text === undefined) return fallback;
  const micros = parseDuration(text);
  // Durations count whole microseconds: one that rounds to none is named as too short.
  if (micros === 0 && /[1-9]/.test(text))
    throw new UsageError(`--${flag} must be at least 1us (the clock's tick), got "${text}"`);
  if (micros === null || micros <= 0 || micros > max) {
    throw new UsageError(
      `--${flag} must be a duration with a unit (us, ms, s, m or h) up to ${maxText}, such as 500ms, 20s or 2m, got "${text}"`,
    );
  }
  return micros;
}

export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0)
    throw new UsageError(`${command}: unexpected argument "${positionals[0]}"`);
}

/** `--without G5,G1`: white-box monitors to turn off (none when absent). */
export function parseWithout(text: string | undefined): InvariantId[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(WHITE_BOX as readonly string[]).includes(name)) {
      throw new UsageError(
        `--without takes white-box monitors (${WHITE_BOX.join(', ')}), got "${name}"`,
      );
    }
  }
  return [...new Set(names as InvariantId[])];
}

export function parseMutant(text: string | undefined): MutantId | undefined {
  if (text === undefined) return undefined;
  if (!isMutantId(text))
    throw new UsageError(`--mutant must be one of ${MUTANT_IDS.join(', ')}, got "${text}"`);
  return text;
}

/** Longest error line printed: a message quoting a huge input stays readable. */
const MAX_ERROR_CHARS = 2000;

/**
 * An error message as one printable line. It may quote a file or an argument: a newline there
 * would break the line, and an escape sequence, a NUL or a bidirectional override would reach
 * the terminal; each is shown escaped instead (\n, \u001b), as in a JSON string.
 */
export function oneLine(message: string): string {
  const escaped = printable(message);
  return escaped.length > MAX_ERROR_CHARS ? `${escaped.slice(0, MAX_ERROR_CHARS - 3)}...` : escaped;
}

/** Text from a file made safe for a terminal line: what UNPRINTABLE finds, escaped. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Control characters (C0, DEL, C1), line and paragraph separators, and bidi controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * The command that replays a repro, ready to paste into a POSIX shell (a path with control
 * characters in it needs one that reads $'...' quotes: bash, zsh, POSIX.1-2024).
 */
export function replayLine(path: string): string {
  return `npx raftsim replay ${shellWord(path)}`;
}

/**
 * A path as one shell word: as it is when nothing in it is special to the shell, else in single
 * quotes (a quote inside as '\''); one that starts with - gets ./ so it is not read as an option.
 * A path with a control character (a newline, an escape) is written in $'...' quotes with the
 * character escaped, as bash and zsh read it: raw, it would break the line or reach the terminal.
 */
export function shellWord(path: string): string {
  const word = path.startsWith('-') ? `./${path}` : path;
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (word.search(UNPRINTABLE) < 0) return `'${word.replaceAll("'", `'\\''`)}'`;
  const escaped = word
    .replace(/[\\']/g, (char) => `\\${char}`)
    .replace(UNPRINTABLE, (char) => {
      const code = char.charCodeAt(0);
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
    });
  return `$'${escaped}'`;
}
