import * as v from 'valibot';
import { firstDuplicateKeyOrRefuse, GIVEN_TWICE } from './duplicate-keys.js';

/**
 * The building blocks of this project's file schemas (repro, history, bench output), on valibot.
 * Every check carries its own message, written as what was expected, so that a rejected file
 * gives one line: the field's path, what it must be, and what it holds.
 */

/** A file that does not match its schema: `path` is where, `message` what was expected. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(path === '' ? expected : `${path}: ${expected}`);
  }
}

type Issue = v.BaseIssue<unknown>;

/** A message that says what was expected and what was found. */
export function expected(what: string): (issue: Issue) => string {
  return (issue) =>
    issue.input === undefined && issue.path !== undefined
      ? `missing (expected ${what})`
      : `expected ${what}, got ${shown(issue.input)}`;
}

/** How much of a bad value an error line quotes. */
const SHOWN_CHARS = 40;

/** A bad value as an error line quotes it: its JSON text, cut short with `...` when long. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = preview(value, SHOWN_CHARS + 1);
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 3)}...` : text;
}

/**
 * The start of a value's JSON text, at most about `limit` characters. It walks only as far as
 * it prints, so a value nested 200,000 deep or a megabyte long costs no more than a short one
 * (JSON.stringify of the whole value would overflow the stack or build the whole text).
 */
export function preview(value: unknown, limit: number): string {
  let out = '';
  const walk = (item: unknown): void => {
    if (out.length >= limit) return;
    if (Array.isArray(item)) {
      out += '[';
      for (let i = 0; i < item.length && out.length < limit; i++) {
        if (i > 0) out += ',';
        walk(item[i]);
      }
      out += ']';
    } else if (item !== null && typeof item === 'object') {
      out += '{';
      let first = true;
      for (const key in item) {
        if (out.length >= limit) break;
        if (!Object.hasOwn(item, key)) continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        walk((item as Record<string, unknown>)[key]);
      }
      out += '}';
    } else if (typeof item === 'string') out += JSON.stringify(item.slice(0, limit));
    else if (typeof item === 'number' && !Number.isFinite(item)) out += `${item} (out of range)`;
    else out += JSON.stringify(item) ?? typeof item;
  };
  walk(value);
  return out;
}

/** An integer in min..max (both inclusive). */
export function integer(min: number, max: number, what = `an integer in ${min}..${max}`) {
  const message = expected(what);
  return v.pipe(
    v.number(message),
    v.integer(message),
    v.minValue(min, message),
    v.maxValue(max, message),
  );
}

export function oneOf<const T extends readonly string[]>(names: T, what: string) {
  return v.picklist(names, expected(`${what}: one of ${names.join(', ')}`));
}

export function text(what = 'a string') {
  return v.string(expected(what));
}

export function flag(what = 'true or false') {
  return v.boolean(expected(what));
}

export function list<T extends v.GenericSchema>(item: T, maxLength: number, what: string) {
  return v.pipe(
    v.array(item, expected(what)),
    v.maxLength(maxLength, expected(`at most ${maxLength} items`)),
  );
}

/** An object whose fields are all known: a misspelt field is an error, not silently ignored. */
export function fields<const E extends v.ObjectEntries>(entries: E, what = 'an object') {
  return v.pipe(notArray(what), v.strictObject(entries, objectMessage(what)));
}

/**
 * An object that may hold fields besides these (notes in a file, say). They are accepted and
 * left out of what is read: nothing downstream carries them (a worker thread's copy of a deeply
 * nested note would overflow its stack).
 */
export function someFields<const E extends v.ObjectEntries>(entries: E, what = 'an object') {
  return v.pipe(notArray(what), v.object(entries, objectMessage(what)));
}

/**
 * Valibot's object schemas take an array for an object, and then read its fields from the
 * array (`at` is Array.prototype.at): an array is refused first, as what it is.
 */
function notArray(what: string) {
  return v.custom<unknown>((value) => !Array.isArray(value), expected(what));
}

function objectMessage(what: string): (issue: Issue) => string {
  return (issue) => {
    if (issue.expected === 'never') return 'unknown field';
    if (issue.input === undefined && issue.path !== undefined) return 'missing';
    return expected(what)(issue);
  };
}

/** `a.b[3].c`: the path of an issue as written in the error line. */
export function pathOf(issue: Issue): string {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') path += `[${key}]`;
    else path += path === '' ? String(key) : `.${String(key)}`;
  }
  return path;
}

/** Parses `value` with `schema`; throws a FormatError naming the first bad field. */
export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw new FormatError(pathOf(issue), issue.message);
}

/** Parses JSON text; a syntax error, or a key given twice in one object, is a FormatError too. */
export function parseJsonText(text: string): unknown {
  // The scan goes first: text nested too deep is refused before JSON.parse spends gigabytes.
  const duplicate = firstDuplicateKeyOrRefuse(text, (why) => new FormatError('', why));
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new FormatError('', `not valid JSON (${reason})`);
  }
  if (duplicate !== null) throw new FormatError(duplicate, GIVEN_TWICE);
  return value;
}

/** A parsed file is data to read, never to change: the types say so all the way down. */
export type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
