/**
 * The linearizability checker's public API. Everything else in sim/check is private.
 *
 *   const history = parseHistoryFile(text);          // or build Operation[] directly
 *   const result = checkParsed(history, { budget }); // verdict 'ok' | 'illegal' | 'unknown'
 */
import { checkHistory } from './check.js';
import type { ParsedHistory } from './history.js';
import { etcdModel } from './model-etcd.js';
import { kvAppendModel } from './model-kv-append.js';
import { kvModel } from './model-kv.js';
import type { CheckOptions, CheckResult } from './types.js';

export { checkHistory, DEFAULT_BUDGET } from './check.js';
export { parseHistoryFile } from './parse.js';
export { quote } from './quote.js';
export { RAFTSIM_FORMAT, RAFTSIM_FORMAT_VERSION } from './format-raftsim.js';
export {
  HistoryFormatError,
  MODEL_NAMES,
  isModelName,
  type ModelName,
  type ParsedHistory,
} from './history.js';
export { etcdModel, type EtcdInput, type EtcdOutput } from './model-etcd.js';
export { kvModel, type KvError, type KvInput, type KvOutput } from './model-kv.js';
export { kvAppendModel, type KvAppendInput, type KvAppendOutput } from './model-kv-append.js';
export type {
  CheckOptions,
  CheckResult,
  Failure,
  Model,
  Operation,
  Partition,
  Verdict,
} from './types.js';

/** Checks a parsed history against the model it was recorded for. */
export function checkParsed(history: ParsedHistory, options: CheckOptions = {}): CheckResult {
  switch (history.model) {
    case 'kv':
      return checkHistory(history.operations, kvModel, options);
    case 'etcd':
      return checkHistory(history.operations, etcdModel, options);
    case 'kv-append':
      return checkHistory(history.operations, kvAppendModel, options);
  }
}

/** One operation of a parsed history in words, for reports: `[client 3] put("a", "x", 0) → OK`. */
export function describeOperation(history: ParsedHistory, index: number): string {
  const describe = (): string => {
    switch (history.model) {
      case 'kv': {
        const op = history.operations[index];
        return op === undefined ? '?' : kvModel.describeOp(op.input, op.output);
      }
      case 'etcd': {
        const op = history.operations[index];
        return op === undefined ? '?' : etcdModel.describeOp(op.input, op.output);
      }
      case 'kv-append': {
        const op = history.operations[index];
        return op === undefined ? '?' : kvAppendModel.describeOp(op.input, op.output);
      }
    }
  };
  const client = history.operations[index]?.client ?? '?';
  return `[client ${client}] ${describe()}`;
}
