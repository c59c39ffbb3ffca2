import { HistoryFormatError } from './history.js';

/** The values a flat EDN map of the kv corpus can hold. */
export type EdnValue = string | number | boolean | null | { readonly keyword: string };

/**
 * Reads one flat EDN map such as `{:process 3, :type :ok, :f :get, :key "1", :value "x"}`:
 * keyword keys; values that are strings, integers, keywords, nil, true or false. Commas are
 * whitespace in EDN. Nested collections are not needed by the corpus and are rejected.
 */
export function readEdnMap(text: string, line: number): Map<string, EdnValue> {
  const reader: Reader = new Reader(text, line);
  reader.expect('{');
  const map = new Map<string, EdnValue>();
  for (reader.skipSpace(); !reader.at('}'); reader.skipSpace()) {
    const key = reader.value();
    if (key === null || typeof key !== 'object') reader.fail('map keys must be keywords');
    // EDN makes a map with a key given twice invalid; reading on would keep the last in silence.
    if (map.has(key.keyword)) reader.fail(`:${key.keyword} given twice in one map`);
    map.set(key.keyword, reader.value());
  }
  reader.expect('}');
  reader.skipSpace();
  if (!reader.done()) reader.fail('text after the closing brace');
  return map;
}

/** A bare token (keyword, number, symbol), matched in place: sticky, so no slicing. */
const TOKEN = /[^\s,{}[\]()"]+/y;

/** The escapes Clojure's printer writes (`pr` of a string) and its EDN reader reads. */
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  n: '\n',
  t: '\t',
  r: '\r',
  f: '\f',
  b: '\b',
};

/** `\u` and four hex digits: a UTF-16 code unit, as Clojure's reader takes it. */
const UNICODE_ESCAPE = /u([0-9a-fA-F]{4})/y;

class Reader {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly line: number,
  ) {}

  fail(message: string): never {
    throw new HistoryFormatError(`line ${this.line}, column ${this.position + 1}: ${message}`);
  }

  done(): boolean {
    return this.position >= this.text.length;
  }

  at(char: string): boolean {
    return this.text[this.position] === char;
  }

  expect(char: string): void {
    this.skipSpace();
    if (!this.at(char)) this.fail(`expected "${char}"`);
    this.position++;
  }

  skipSpace(): void {
    while (/[\s,]/.test(this.text[this.position] ?? '')) this.position++;
  }

  value(): EdnValue {
    this.skipSpace();
    if (this.at('"')) return this.string();
    TOKEN.lastIndex = this.position;
    const match = TOKEN.exec(this.text);
    if (match === null) this.fail('expected a value');
    const token = match[0];
    this.position += token.length;
    if (token.startsWith(':') && token.length > 1) return { keyword: token.slice(1) };
    if (/^-?\d+$/.test(token)) {
      // Past 2^53 two different integers would read as the same number.
      if (!Number.isSafeInteger(Number(token))) this.fail(`integer out of range: ${token}`);
      return Number(token);
    }
    if (token === 'nil') return null;
    if (token === 'true' || token === 'false') return token === 'true';
    return this.fail(`unsupported value "${token}"`);
  }

  /** The character an escape stands for; the position moves past the escape. */
  private escape(): string {
    UNICODE_ESCAPE.lastIndex = this.position;
    const unicode = UNICODE_ESCAPE.exec(this.text);
    if (unicode !== null) {
      this.position = UNICODE_ESCAPE.lastIndex;
      return String.fromCharCode(parseInt(unicode[1] as string, 16));
    }
    const escaped = ESCAPES[this.text[this.position] ?? ''];
    if (escaped === undefined) this.fail('unsupported escape in a string');
    this.position++;
    return escaped;
  }

  /** Copies runs of plain characters whole: a string of a hundred megabytes is read in one go. */
  private string(): string {
    const parts: string[] = [];
    this.position++;
    for (;;) {
      const start = this.position;
      while (!this.done() && !this.at('"') && !this.at('\\')) this.position++;
      parts.push(this.text.slice(start, this.position));
      if (this.done()) this.fail('unterminated string');
      if (this.at('"')) break;
      this.position++; // past the backslash, to the escaped character
      parts.push(this.escape());
    }
    this.position++;
    return parts.join('');
  }
}
