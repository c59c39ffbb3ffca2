import { HistoryFormatError, isModelName, type ModelName, type ParsedHistory } from './history.js';
import { firstDuplicateKeyOrRefuse, GIVEN_TWICE } from '../format/duplicate-keys.js';
import { shown } from '../format/kit.js';
import {
  decodeAppend,
  decodeEtcd,
  decodeKv,
  record,
  type Decoder,
  type Json,
} from './json-decoders.js';
import type { Operation } from './types.js';

/**
 * This project's own history format (what the simulator's clerks record):
 *
 *   { "format": "raftsim-history", "version": 1, "model": "kv",
 *     "operations": [ { "client": 0, "call": 120, "return": 480,
 *                       "input": { "op": "put", "key": "a", "value": "x", "version": 0 },
 *                       "output": { "err": "OK" } }, ... ] }
 *
 * Times are virtual microseconds. `"return": null` marks an operation still open when the run
 * ended (unknown outcome; its output must be null too); `"output": null` with a return time marks
 * a result that was not observed. `model` may be left out when the caller names one. Inputs and
 * outputs per model:
 *
 * - kv: input `{op:"get",key}` | `{op:"put",key,value,version}` | `{op:"append",key,value}`;
 *   output for get `{err:"OK",value,version}` | `{err:"ErrNoKey"}`, for put
 *   `{err:"OK"|"ErrNoKey"|"ErrVersion"|"ErrMaybe"}`, for append `{err:"OK"|"ErrMaybe"}` (ErrMaybe
 *   read as an unseen output: the append may have gone in at any time after its call, or never).
 * - etcd: input `{op:"read"}` | `{op:"write",value}` | `{op:"cas",from,to}` (integers); output
 *   for read `{value: integer | null}`, for write and cas `{ok: boolean}`.
 * - kv-append: input `{op:"get"|"put"|"append",key,value}` (no value for get); output for get
 *   `{value}`, for put and append `{ok:true}`.
 */
export const RAFTSIM_FORMAT = 'raftsim-history';
export const RAFTSIM_FORMAT_VERSION = 1;

export function parseRaftsimHistory(text: string, hint: ModelName | undefined): ParsedHistory {
  // JSON.parse keeps the last of two equal keys: an edited or badly exported history would be
  // checked with a value nobody meant. The scan goes first, so that text nested too deep is
  // refused before JSON.parse spends gigabytes on it; a duplicate counts only in valid JSON.
  const duplicate = firstDuplicateKeyOrRefuse(text, (why) => new HistoryFormatError(why));
  let document: Json;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HistoryFormatError(`not valid JSON: ${reason}`);
  }
  if (duplicate !== null) throw new HistoryFormatError(`${duplicate}: ${GIVEN_TWICE}`);
  const root = record(document, 'the history');
  if (root['format'] !== RAFTSIM_FORMAT) {
    throw new HistoryFormatError(`"format" must be "${RAFTSIM_FORMAT}"`);
  }
  if (root['version'] !== RAFTSIM_FORMAT_VERSION) {
    throw new HistoryFormatError(`"version" must be ${RAFTSIM_FORMAT_VERSION}`);
  }
  const model = modelOf(root['model'], hint);
  const operations = root['operations'];
  if (!Array.isArray(operations)) throw new HistoryFormatError('"operations" must be an array');
  const items: readonly Json[] = operations;
  switch (model) {
    case 'kv':
      return { model, operations: items.map((item, i) => operation(item, i, decodeKv)) };
    case 'etcd':
      return { model, operations: items.map((item, i) => operation(item, i, decodeEtcd)) };
    case 'kv-append':
      return { model, operations: items.map((item, i) => operation(item, i, decodeAppend)) };
  }
}

function modelOf(named: Json, hint: ModelName | undefined): ModelName {
  if (named === undefined) {
    if (hint === undefined) throw new HistoryFormatError('no "model" in the file and none given');
    return hint;
  }
  if (typeof named !== 'string' || !isModelName(named)) {
    throw new HistoryFormatError(`unknown model ${shown(named)}`);
  }
  return named;
}

function operation<I, O>(item: Json, index: number, decode: Decoder<I, O>): Operation<I, O> {
  const where = `operation ${index}`;
  try {
    const op = record(item, 'it');
    const client = op['client'];
    if (typeof client !== 'number' || !Number.isSafeInteger(client) || client < 0) {
      throw new HistoryFormatError('"client" must be a non-negative integer');
    }
    const call = time(op['call'], '"call"');
    const end = op['return'] === null ? null : time(op['return'], '"return"');
    if (end !== null && end < call) throw new HistoryFormatError('"return" is before "call"');
    const output = op['output'] === null ? null : record(op['output'], '"output"');
    if (end === null && output !== null) {
      throw new HistoryFormatError('an operation that never returned must have "output": null');
    }
    const [input, decoded] = decode(record(op['input'], '"input"'), output);
    return { client, call, return: end, input, output: decoded };
  } catch (error) {
    if (error instanceof HistoryFormatError)
      throw new HistoryFormatError(`${where}: ${error.message}`);
    throw error;
  }
}

function time(value: Json, what: string): number {
  // Whole microseconds, as the simulator records them; beyond 2^53 - 1 nearby times collapse
  // into one number, and their order would be lost.
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new HistoryFormatError(
      `${what} must be a time in whole microseconds, 0..${Number.MAX_SAFE_INTEGER} (or null for "return")`,
    );
  }
  return value;
}
