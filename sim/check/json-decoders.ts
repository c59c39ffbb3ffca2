import { HistoryFormatError } from './history.js';
import type { EtcdInput, EtcdOutput } from './model-etcd.js';
import type { KvAppendInput, KvAppendOutput } from './model-kv-append.js';
import type { KvInput, KvOutput } from './model-kv.js';

/** Validating decoders from parsed JSON to each model's inputs and outputs (format-raftsim.ts). */
export type Json = unknown;

export type Decoder<I, O> = (
  input: Record<string, Json>,
  output: Record<string, Json> | null,
) => [I, O | null];

export function record(value: Json, what: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HistoryFormatError(`${what} must be an object`);
  }
  return value as Record<string, Json>;
}

function field<T>(value: Json, what: string, accept: (v: Json) => v is T, kind: string): T {
  if (!accept(value)) throw new HistoryFormatError(`${what} must be ${kind}`);
  return value;
}

const isString = (v: Json): v is string => typeof v === 'string';
const isInteger = (v: Json): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isVersion = (v: Json): v is number => isInteger(v) && v >= 0;
const isBoolean = (v: Json): v is boolean => typeof v === 'boolean';
const isIntegerOrNull = (v: Json): v is number | null => v === null || isInteger(v);

export const decodeKv: Decoder<KvInput, KvOutput> = (input, output) => {
  const key = field(input['key'], 'input.key', isString, 'a string');
  if (input['op'] === 'get') {
    if (output === null) return [{ op: 'get', key }, null];
    if (output['err'] === 'ErrNoKey') return [{ op: 'get', key }, { err: 'ErrNoKey' }];
    if (output['err'] !== 'OK')
      throw new HistoryFormatError('a get\'s output.err must be "OK" or "ErrNoKey"');
    const value = field(output['value'], 'output.value', isString, 'a string');
    const version = field(output['version'], 'output.version', isVersion, 'an integer, 0 or more');
    return [
      { op: 'get', key },
      { err: 'OK', value, version },
    ];
  }
  if (input['op'] === 'append') return decodeKvAppend(key, input, output);
  if (input['op'] !== 'put')
    throw new HistoryFormatError('input.op must be "get", "put" or "append"');
  const value = field(input['value'], 'input.value', isString, 'a string');
  const version = field(input['version'], 'input.version', isVersion, 'an integer, 0 or more');
  if (output === null) return [{ op: 'put', key, value, version }, null];
  const err = output['err'];
  if (err !== 'OK' && err !== 'ErrNoKey' && err !== 'ErrVersion' && err !== 'ErrMaybe') {
    throw new HistoryFormatError("a put's output.err must be OK, ErrNoKey, ErrVersion or ErrMaybe");
  }
  return [{ op: 'put', key, value, version }, { err }];
};

function decodeKvAppend(
  key: string,
  input: Record<string, Json>,
  output: Record<string, Json> | null,
): [KvInput, KvOutput | null] {
  const value = field(input['value'], 'input.value', isString, 'a string');
  if (output === null) return [{ op: 'append', key, value }, null];
  const err = output['err'];
  if (err !== 'OK' && err !== 'ErrMaybe')
    throw new HistoryFormatError('an append\'s output.err must be "OK" or "ErrMaybe"');
  // ErrMaybe is kept as written: the check reads it as unseen (kvModel.unseen).
  return [{ op: 'append', key, value }, { err }];
}

export const decodeEtcd: Decoder<EtcdInput, EtcdOutput> = (input, output) => {
  switch (input['op']) {
    case 'read':
      return [
        { op: 'read' },
        output === null
          ? null
          : {
              value: field(output['value'], 'output.value', isIntegerOrNull, 'an integer or null'),
            },
      ];
    case 'write': {
      const value = field(input['value'], 'input.value', isInteger, 'an integer');
      return [
        { op: 'write', value },
        output === null ? null : { ok: field(output['ok'], 'output.ok', isBoolean, 'a boolean') },
      ];
    }
    case 'cas': {
      const from = field(input['from'], 'input.from', isInteger, 'an integer');
      const to = field(input['to'], 'input.to', isInteger, 'an integer');
      return [
        { op: 'cas', from, to },
        output === null ? null : { ok: field(output['ok'], 'output.ok', isBoolean, 'a boolean') },
      ];
    }
    default:
      throw new HistoryFormatError('input.op must be "read", "write" or "cas"');
  }
};

export const decodeAppend: Decoder<KvAppendInput, KvAppendOutput> = (input, output) => {
  const key = field(input['key'], 'input.key', isString, 'a string');
  const op = input['op'];
  if (op === 'get') {
    if (output === null) return [{ op, key }, null];
    return [{ op, key }, { value: field(output['value'], 'output.value', isString, 'a string') }];
  }
  if (op !== 'put' && op !== 'append')
    throw new HistoryFormatError('input.op must be "get", "put" or "append"');
  const value = field(input['value'], 'input.value', isString, 'a string');
  if (output === null) return [{ op, key, value }, null];
  if (output['ok'] !== true || Object.keys(output).length !== 1)
    throw new HistoryFormatError(
      `${op === 'put' ? 'a put' : 'an append'}'s output must be {"ok": true} (or null, if unseen)`,
    );
  return [{ op, key, value }, { ok: true }];
};
