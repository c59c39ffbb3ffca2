import { readEdnMap, type EdnValue } from './edn.js';
import { HistoryFormatError } from './history.js';
import type { KvAppendInput, KvAppendOutput } from './model-kv-append.js';
import type { Operation } from './types.js';

type AppendOperation = Operation<KvAppendInput, KvAppendOutput>;

/**
 * Porcupine's kv histories: one EDN map per line,
 * `{:process P, :type :invoke|:ok|:fail|:info, :f :get|:put|:append, :key "K", :value V}`.
 * A line's number is its time; the next completion of a process closes its invocation. `:info`
 * and a never-closed invocation are open to the end with an unobserved output; a `:fail` get
 * saw nothing; a `:fail` put or append did not happen and is dropped.
 */
export function parseEdnKv(text: string): AppendOperation[] {
  const slots: (AppendOperation | null)[] = [];
  const open = new Map<number, { slot: number; call: number; input: KvAppendInput }>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const event = parseEvent(raw, line);
    const pending = open.get(event.process);
    if (event.type === 'invoke') {
      if (pending !== undefined)
        fail(line, `process ${event.process} invokes twice without completing`);
      open.set(event.process, { slot: slots.length, call: line, input: invocation(event, line) });
      slots.push(null);
      return;
    }
    if (pending === undefined || pending.input.op !== event.f || pending.input.key !== event.key) {
      fail(
        line,
        `:${event.type} :${event.f} of process ${event.process} matches no open invocation`,
      );
    }
    open.delete(event.process);
    slots[pending.slot] = completion(event, pending, line);
  });
  for (const [client, { slot, call, input }] of open) {
    slots[slot] = { client, call, return: null, input, output: null };
  }
  return slots.filter((op): op is AppendOperation => op !== null);
}

interface Event {
  readonly process: number;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: 'get' | 'put' | 'append';
  readonly key: string;
  readonly value: string | null;
}

function fail(line: number, message: string): never {
  throw new HistoryFormatError(`line ${line}: ${message}`);
}

function keyword(value: EdnValue | undefined): string | undefined {
  return value !== null && typeof value === 'object' ? value.keyword : undefined;
}

function parseEvent(raw: string, line: number): Event {
  const map = readEdnMap(raw, line);
  const process = map.get('process');
  const type = keyword(map.get('type'));
  const f = keyword(map.get('f'));
  const key = map.get('key');
  const value = map.get('value') ?? null;
  // Clients are numbered from 0, as in the raftsim format (Jepsen's nemesis is not a client).
  if (typeof process !== 'number' || !Number.isSafeInteger(process) || process < 0)
    fail(line, ':process must be an integer, 0 or more');
  if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') {
    fail(line, ':type must be :invoke, :ok, :fail or :info');
  }
  if (f !== 'get' && f !== 'put' && f !== 'append') fail(line, ':f must be :get, :put or :append');
  if (typeof key !== 'string') fail(line, ':key must be a string');
  if (value !== null && typeof value !== 'string') fail(line, ':value must be a string or nil');
  return { process, type, f, key, value };
}

function invocation(event: Event, line: number): KvAppendInput {
  if (event.f === 'get') return { op: 'get', key: event.key };
  if (event.value === null) fail(line, `:${event.f} needs a string :value`);
  return { op: event.f, key: event.key, value: event.value };
}

function completion(
  event: Event,
  pending: { call: number; input: KvAppendInput },
  line: number,
): AppendOperation | null {
  const { call, input } = pending;
  const client = event.process;
  if (event.type === 'info') return { client, call, return: null, input, output: null };
  if (input.op !== 'get') {
    // A write's completion repeats its value: another value means the lines were mixed up.
    if (event.value !== null && event.value !== input.value) {
      fail(
        line,
        `:${event.type} :${input.op} of process ${client} names another value than its invocation`,
      );
    }
    return event.type === 'ok' ? { client, call, return: line, input, output: { ok: true } } : null;
  }
  if (event.type === 'fail') return { client, call, return: line, input, output: null };
  // A get of a never-written key reads "" (nil is accepted as the same thing).
  return { client, call, return: line, input, output: { value: event.value ?? '' } };
}
