import { parseEdnKv } from './format-edn-kv.js';
import { parseJepsenLog } from './format-jepsen.js';
import { parseRaftsimHistory } from './format-raftsim.js';
import { HistoryFormatError, type ModelName, type ParsedHistory } from './history.js';

/**
 * Reads a history in any supported format, recognised from its first characters:
 * `{:` → Porcupine kv EDN lines (model kv-append); `{` → raftsim-history JSON (model named in
 * the file, or `hint`); otherwise a Jepsen etcd log (model etcd). `hint`, when given, must agree
 * with the file. An empty text is an empty history of the hinted model.
 * Throws HistoryFormatError (one line) on malformed input.
 */
export function parseHistoryFile(text: string, hint?: ModelName): ParsedHistory {
  const start = text.trimStart();
  if (start === '') {
    if (hint === undefined) throw new HistoryFormatError('empty file: no operations and no model');
    return emptyHistory(hint);
  }
  const parsed = parseByFormat(text, start, hint);
  if (hint !== undefined && parsed.model !== hint) {
    throw new HistoryFormatError(`the file holds a ${parsed.model} history, not ${hint}`);
  }
  return parsed;
}

function parseByFormat(text: string, start: string, hint: ModelName | undefined): ParsedHistory {
  if (/^\{\s*:/.test(start)) return { model: 'kv-append', operations: parseEdnKv(text) };
  if (start.startsWith('{')) return parseRaftsimHistory(text, hint);
  if (/^\S+\s+jepsen\.util\s+-\s/.test(start))
    return { model: 'etcd', operations: parseJepsenLog(text) };
  throw new HistoryFormatError(
    'unrecognised format: expected raftsim-history JSON, a Jepsen etcd log or Porcupine kv EDN',
  );
}

function emptyHistory(model: ModelName): ParsedHistory {
  switch (model) {
    case 'kv':
      return { model, operations: [] };
    case 'etcd':
      return { model, operations: [] };
    case 'kv-append':
      return { model, operations: [] };
  }
}
