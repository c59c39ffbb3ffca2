import { HistoryFormatError } from './history.js';
import type { EtcdInput, EtcdOutput } from './model-etcd.js';
import type { Operation } from './types.js';

/**
 * The Jepsen etcd logs of the Porcupine corpus, one event per line:
 * `INFO  jepsen.util - <process> <type> <f> <value>`, fields split on any whitespace.
 *
 * Meaning (as Porcupine's tests read them): a line's number is its time; `:invoke` opens an
 * operation of that process, the next `:ok` / `:fail` / `:info` of the process closes it.
 * `:info` (and an invocation never closed) means unknown outcome: open to the end, output
 * unobserved. `:fail :read` completes with an unobserved result; `:fail :cas` is a cas that
 * found another value; `:fail :write` did not happen and is dropped. A write or cas answered
 * `:ok` or `:fail` repeats its invocation's value.
 */
export function parseJepsenLog(text: string): Operation<EtcdInput, EtcdOutput>[] {
  const slots: (Operation<EtcdInput, EtcdOutput> | null)[] = [];
  const open = new Map<number, { slot: number; call: number; input: EtcdInput; value: string }>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const event = parseLine(raw, line);
    const pending = open.get(event.process);
    if (event.type === ':invoke') {
      if (pending !== undefined)
        fail(line, `process ${event.process} invokes twice without completing`);
      const input = invocation(event, line);
      open.set(event.process, { slot: slots.length, call: line, input, value: event.value });
      slots.push(null);
      return;
    }
    if (pending === undefined || pending.input.op !== event.f.slice(1)) {
      fail(line, `${event.type} ${event.f} of process ${event.process} matches no open invocation`);
    }
    // A write or cas answered :ok or :fail repeats what it was invoked with (:info may say
    // :timed-out instead); a different value is a log that pairs the wrong lines.
    if (event.f !== ':read' && event.type !== ':info' && event.value !== pending.value) {
      fail(
        line,
        `${event.type} ${event.f} of process ${event.process} says "${event.value}", invoked with "${pending.value}"`,
      );
    }
    open.delete(event.process);
    slots[pending.slot] = completion(event, pending, line);
  });
  for (const [client, pending] of open) {
    const { call, input } = pending;
    slots[pending.slot] = { client, call, return: null, input, output: null };
  }
  return slots.filter((op): op is Operation<EtcdInput, EtcdOutput> => op !== null);
}

interface Event {
  readonly process: number;
  readonly type: string;
  readonly f: string;
  readonly value: string;
}

function fail(line: number, message: string): never {
  throw new HistoryFormatError(`line ${line}: ${message}`);
}

/**
 * The first lone `-`, the three fields after it, and the rest. A regular expression, not a split
 * into fields: a line of a hundred million tokens would make an array Node cannot hold.
 */
const LINE = /(?:^|\s)-\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+([\s\S]*))?$/;

const MAX_VALUE_CHARS = 1_000;

function parseLine(raw: string, line: number): Event {
  const match = LINE.exec(raw.trim());
  const [, process, type, f, rest = ''] = match ?? [];
  if (
    process === undefined ||
    type === undefined ||
    f === undefined ||
    !/^\d+$/.test(process) ||
    !Number.isSafeInteger(Number(process))
  ) {
    fail(line, 'expected "INFO jepsen.util - <process> <type> <f> <value>"');
  }
  if (![':invoke', ':ok', ':fail', ':info'].includes(type)) fail(line, `unknown type ${type}`);
  if (![':read', ':write', ':cas'].includes(f)) fail(line, `unknown operation ${f}`);
  // A register's value is a number, nil or a pair: a long one is no etcd value, and would
  // only cost memory on its way to that error.
  if (rest.length > MAX_VALUE_CHARS) fail(line, `a value of over ${MAX_VALUE_CHARS} characters`);
  return { process: Number(process), type, f, value: rest.trim().replace(/\s+/g, ' ') };
}

function integer(text: string, line: number): number {
  // Past 2^53 a number no longer holds every integer: two different values would compare equal.
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    fail(line, `expected an integer within ±${Number.MAX_SAFE_INTEGER}, got "${text}"`);
  return Number(text);
}

function casPair(text: string, line: number): [number, number] {
  const match = /^\[\s*(-?\d+)\s+(-?\d+)\s*\]$/.exec(text);
  if (match === null) fail(line, `expected [from to], got "${text}"`);
  return [integer(match[1] ?? '', line), integer(match[2] ?? '', line)];
}

function invocation(event: Event, line: number): EtcdInput {
  switch (event.f) {
    case ':read':
      // A read is invoked with nil: anything else is two lines run together, or a corrupt one.
      if (event.value !== 'nil')
        fail(line, `a read invoked with ${JSON.stringify(event.value)}, not nil`);
      return { op: 'read' };
    case ':write':
      return { op: 'write', value: integer(event.value, line) };
    default: {
      const [from, to] = casPair(event.value, line);
      return { op: 'cas', from, to };
    }
  }
}

function completion(
  event: Event,
  pending: { call: number; input: EtcdInput },
  line: number,
): Operation<EtcdInput, EtcdOutput> | null {
  const { call, input } = pending;
  const client = event.process;
  if (event.type === ':info') return { client, call, return: null, input, output: null };
  const ok = event.type === ':ok';
  switch (input.op) {
    case 'read': {
      if (!ok) return { client, call, return: line, input, output: null };
      const value = event.value === 'nil' ? null : integer(event.value, line);
      return { client, call, return: line, input, output: { value } };
    }
    case 'write':
      return ok ? { client, call, return: line, input, output: { ok } } : null;
    case 'cas':
      return { client, call, return: line, input, output: { ok } };
  }
}
