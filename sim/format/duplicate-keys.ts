/**
 * JSON.parse keeps the last of two equal keys in one object and says nothing, so a repro edited
 * by hand (`"servers": 5` added above the `"servers": 3` already there) would run the value the
 * user did not mean, and a history would be checked with a value nobody recorded. This finds
 * such a key in text that is already known to be valid JSON, in one pass.
 */

interface Frame {
  /** Keys seen so far, for an object; null for an array. */
  readonly keys: KeySet | null;
  /** An array's index, or the object key whose value comes next. */
  at: number | string;
  /** In an object: whether the next string is a key. */
  expectKey: boolean;
}

/**
 * How deep the scan follows nesting. JSON.parse takes far deeper text, but each level costs the
 * scan a frame: 60 million levels (a 120 MB file) would take gigabytes. No file this project
 * reads nests more than a few levels.
 */
export const MAX_NESTING = 100_000;

/** What a key given twice is told (after its path). */
export const GIVEN_TWICE = 'given twice in one object (keep the one you mean)';

/** Text nested deeper than MAX_NESTING. */
export class NestingTooDeepError extends Error {
  constructor() {
    super(`nested more than ${MAX_NESTING.toLocaleString('en-US')} levels deep`);
  }
}

/**
 * The path of the first key that appears twice in one object (`config.servers`), or null.
 * Throws NestingTooDeepError past MAX_NESTING.
 */
export function firstDuplicateKey(text: string): string | null {
  // The path is built from the stack only when a duplicate is found: a path kept in every frame
  // would cost the square of the depth on a file nested 200,000 deep.
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.keys != null && top.expectKey) {
        const key = keyAt(text, i, end);
        top.at = key;
        if (!top.keys.add(key)) return pathOf(stack);
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const object = c === 0x7b;
      if (stack.length >= MAX_NESTING) throw new NestingTooDeepError();
      stack.push({ keys: object ? new KeySet() : null, at: 0, expectKey: object });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top === undefined) continue;
      if (top.keys === null) top.at = (top.at as number) + 1;
      else top.expectKey = true;
    }
  }
  return null;
}

/**
 * The keys of one object. Most objects in the files read here have a handful of keys, where a
 * scan of a short array is several times cheaper than a Set made per object; a long object
 * moves to a Set, so the scan stays linear.
 */
/** Keys an object may have and still be compared in a list. */
const SHORT_OBJECT_KEYS = 16;

class KeySet {
  private keys: string[] | Set<string> = [];

  /** Adds `key`; false if it was there already. */
  add(key: string): boolean {
    const keys = this.keys;
    if (keys instanceof Set) {
      if (keys.has(key)) return false;
      keys.add(key);
      return true;
    }
    if (keys.includes(key)) return false;
    keys.push(key);
    if (keys.length > SHORT_OBJECT_KEYS) this.keys = new Set(keys);
    return true;
  }
}

/** The key whose quotes are at `start` and `end`: sliced as it is, unless it has escapes. */
function keyAt(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}

/** firstDuplicateKey, with text nested too deep refused as the caller's own error. */
export function firstDuplicateKeyOrRefuse(text: string, refuse: (why: string) => Error) {
  try {
    return firstDuplicateKey(text);
  } catch (error) {
    if (error instanceof NestingTooDeepError) throw refuse(error.message);
    throw error;
  }
}

function pathOf(stack: readonly Frame[]): string {
  let path = '';
  for (const frame of stack) {
    if (typeof frame.at === 'number') path += `[${frame.at}]`;
    else path += path === '' ? frame.at : `.${frame.at}`;
  }
  return path;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i;
  }
  return text.length - 1;
}
