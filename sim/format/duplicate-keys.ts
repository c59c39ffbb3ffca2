/**
 * JSON.parse keeps the last of two equal keys in one object and says nothing, so a repro edited
 * by hand (`"servers": 5` added above the `"servers": 3` already there) would run the value the
 * user did not mean. This finds such a key in text that is already known to be valid JSON.
 */

interface Frame {
  /** Keys seen so far, for an object; null for an array. */
  readonly keys: Set<string> | null;
  /** An array's index, or the object key whose value comes next. */
  at: number | string;
  /** In an object: whether the next string is a key. */
  expectKey: boolean;
}

/** The path of the first key that appears twice in one object (`config.servers`), or null. */
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
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        top.at = key;
        if (top.keys.has(key)) return pathOf(stack);
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const object = c === 0x7b;
      stack.push({ keys: object ? new Set() : null, at: 0, expectKey: object });
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
