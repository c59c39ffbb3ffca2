import type { EtcdInput, EtcdOutput } from './model-etcd.js';
import type { KvAppendInput, KvAppendOutput } from './model-kv-append.js';
import type { KvInput, KvOutput } from './model-kv.js';
import type { Operation } from './types.js';

/** A history read from a file, tagged with the model its operations belong to. */
export type ParsedHistory =
  | { readonly model: 'kv'; readonly operations: readonly Operation<KvInput, KvOutput>[] }
  | { readonly model: 'etcd'; readonly operations: readonly Operation<EtcdInput, EtcdOutput>[] }
  | {
      readonly model: 'kv-append';
      readonly operations: readonly Operation<KvAppendInput, KvAppendOutput>[];
    };

export type ModelName = ParsedHistory['model'];

export const MODEL_NAMES: readonly ModelName[] = ['kv', 'etcd', 'kv-append'];

export function isModelName(text: string): text is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(text);
}

/** Malformed history input; the message is one line and names the place (line or operation). */
export class HistoryFormatError extends Error {
  override readonly name = 'HistoryFormatError';
}
