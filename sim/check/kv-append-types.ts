import { rollHash } from './hashing.js';

/**
 * The kv-append model's data, apart from the model so that its lookahead and open-operation
 * rules can use them without importing the model (no import cycles).
 */
export type KvAppendInput =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put' | 'append'; readonly key: string; readonly value: string };

/** get → the string read; put and append → done. */
export type KvAppendOutput = { readonly value: string } | { readonly ok: true };

/**
 * A key's string, kept as the chain of writes that built it (the last put, then the appends)
 * rather than as one concatenated string: a read is compared against it from the end, segment
 * by segment, so a wrong read is usually rejected on its last few characters, and no long
 * string is ever built or copied during the search.
 */
export interface AppendState {
  readonly parent: AppendState | null;
  readonly segment: string;
  readonly length: number;
  /** rollHash of the whole string, extended in O(|segment|) per append. */
  readonly roll: number;
}

/** The state a put of `value` leaves, whatever came before. */
export function written(value: string): AppendState {
  return { parent: null, segment: value, length: value.length, roll: rollHash(value) };
}
