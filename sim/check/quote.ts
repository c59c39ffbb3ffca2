/**
 * A value as a JSON string for a report, shortened past SHOWN characters to its start and its
 * end (where two orders of the same appends differ) and its length: a history may hold values of
 * megabytes, and one of them must not become a megabyte line. The history file keeps the whole
 * value; reports give each operation's index to find it.
 */
const SHOWN = 120;
const END = SHOWN / 2;

export function quote(text: string): string {
  if (text.length <= SHOWN) return JSON.stringify(text);
  const head = JSON.stringify(text.slice(0, END));
  const tail = JSON.stringify(text.slice(-END));
  return `${head}…${tail} (${text.length} characters)`;
}
