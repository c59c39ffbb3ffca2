import type {
  KvAppendInput,
  KvAppendOutput,
  KvInput,
  KvOutput,
  Operation,
} from '../check/index.js';
import { RandomStream } from '../random.js';

type KvOperation = Operation<KvInput, KvOutput>;

/** Shape of the generated histories: what raftsim's clerks record, in the proportions below. */
const KEYS = 5;
const CLIENTS = 16;
/** Per mille of the operations: gets, then puts; the rest are appends. */
const GETS = 500;
const PUTS = 250;
/** Writes whose outcome stays unknown (never complete), and how many of those took effect. */
const OPEN_WRITES = 40;
const OPEN_TOOK_EFFECT = 500;
/** ErrVersion answers that come back as ErrMaybe (the clerk had retried). */
const MAYBE = 200;
/** Gets whose answer was lost (they returned, output unobserved). */
const LOST_GETS = 10;

interface KeyState {
  value: string;
  version: number;
}

/**
 * A linearizable history of the versioned kv model (with appends) of `count` operations, made
 * deterministically from `seed`: operation i takes effect at time 10 i, its interval stretches
 * up to 30 either way (so neighbours overlap), clients take turns. A client puts with the
 * version it last saw of the key (from its own get or put), as raftsim's clerks do, so a put
 * meets a newer version when others wrote meanwhile. Some writes never complete (an unknown
 * outcome; half of them took effect, and later reads show it), some refused puts answer
 * ErrMaybe, a few gets lose their answer. Values are unique per write.
 */
export function generateKvHistory(count: number, seed: number): KvOperation[] {
  const random = new RandomStream('checker-history', seed);
  const keys: KeyState[] = Array.from({ length: KEYS }, () => ({ value: '', version: 0 }));
  /** The version each client last saw of each key. */
  const seen = new Int32Array(KEYS * CLIENTS);
  const history: KvOperation[] = [];
  for (let i = 0; i < count; i++) {
    const k = random.int(0, KEYS - 1);
    const key = `k${k}`;
    const state = keys[k] as KeyState;
    // Every call at time 0 or later, as in a history file (the first may start up to 30 early).
    const point = 30 + 10 * i;
    const call = point - random.int(0, 30);
    const end = point + random.int(0, 30);
    const client = i % CLIENTS;
    const kind = random.int(0, 999);
    if (kind < GETS) {
      const output = readOf(state, random);
      if (output !== null) seen[k * CLIENTS + client] = state.version;
      history.push({ client, call, return: end, input: { op: 'get', key }, output });
      continue;
    }
    const value = `c${client}.${i}`;
    const input: KvInput =
      kind < GETS + PUTS
        ? { op: 'put', key, value, version: seen[k * CLIENTS + client] ?? 0 }
        : { op: 'append', key, value };
    if (random.perMille(OPEN_WRITES)) {
      if (random.perMille(OPEN_TOOK_EFFECT)) apply(state, input);
      history.push({ client, call, return: null, input, output: null });
      continue;
    }
    const output = writeOutcome(state, input, random);
    if (input.op === 'put' && output.err === 'OK') seen[k * CLIENTS + client] = state.version;
    history.push({ client, call, return: end, input, output });
  }
  return history;
}

function readOf(state: KeyState, random: RandomStream): KvOutput | null {
  if (random.perMille(LOST_GETS)) return null;
  if (state.version === 0) return { err: 'ErrNoKey' };
  return { err: 'OK', value: state.value, version: state.version };
}

/** Applies a completed write and says what the clerk heard. */
function writeOutcome(state: KeyState, input: KvInput, random: RandomStream): KvOutput {
  if (input.op === 'put' && input.version !== state.version) {
    if (state.version === 0) return { err: 'ErrNoKey' };
    return { err: random.perMille(MAYBE) ? 'ErrMaybe' : 'ErrVersion' };
  }
  apply(state, input);
  return { err: 'OK' };
}

function apply(state: KeyState, input: KvInput): void {
  if (input.op === 'get') return;
  if (input.op === 'put') {
    if (input.version !== state.version) return;
    state.value = input.value;
  } else {
    state.value += input.value;
  }
  state.version++;
}

/**
 * How one read near the end of `unreadOpenPuts` lies: it sees a value never written (which a
 * quick pass over the reads rejects), or the value the write just before overwrote (which only
 * the search can reject: every open put might have landed in between).
 */
export type Corruption = 'none' | 'unwritten' | 'stale';

/** The read that `corruption` makes of read i (-1 asks for a value never written). */
function lyingRead(i: number, corruption: Corruption): number {
  if (i !== 4_500 || corruption === 'none') return i;
  return corruption === 'unwritten' ? -1 : i - 1;
}

/**
 * One key, 10,000 completed operations (a write, then a read of it, by clients taking turns,
 * each overlapping its neighbours) and 1,000 puts that never complete and whose values nobody
 * reads, called all along; `corruption` makes one read near the end lie.
 */
function unreadOpenPuts<I, O>(
  write: (i: number) => I,
  read: (i: number) => [I, O],
  openPut: (j: number) => I,
  written: O,
  corruption: Corruption,
): Operation<I, O>[] {
  const history: Operation<I, O>[] = [];
  for (let i = 0; i < 5_000; i++) {
    const [input, output] = read(lyingRead(i, corruption));
    history.push(
      { client: i % 10, call: 10 * i, return: 10 * i + 4, input: write(i), output: written },
      { client: (i + 5) % 10, call: 10 * i + 5, return: 10 * i + 9, input, output },
    );
    if (i % 5 === 0) {
      const open = openPut(i / 5);
      history.push({ client: 10 + i, call: 10 * i + 1, return: null, input: open, output: null });
    }
  }
  return history;
}

/** The kv-append (Porcupine) shape of `unreadOpenPuts`. */
export function unreadOpenPutsAppend(
  corruption: Corruption,
): Operation<KvAppendInput, KvAppendOutput>[] {
  return unreadOpenPuts<KvAppendInput, KvAppendOutput>(
    (i) => ({ op: 'put', key: 'k', value: `v${i}` }),
    (i) => [{ op: 'get', key: 'k' }, { value: i < 0 ? 'corrupted' : `v${i}` }],
    (j) => ({ op: 'put', key: 'k', value: `open${j}` }),
    { ok: true },
    corruption,
  );
}

/** The versioned kv shape of `unreadOpenPuts`: open puts carry versions that were current. */
export function unreadOpenPutsKv(corruption: Corruption): KvOperation[] {
  return unreadOpenPuts<KvInput, KvOutput>(
    (i) => ({ op: 'put', key: 'k', value: `v${i}`, version: i }),
    (i) => [
      { op: 'get', key: 'k' },
      { err: 'OK', value: i < 0 ? 'corrupted' : `v${i}`, version: i < 0 ? 4_501 : i + 1 },
    ],
    (j) => ({ op: 'put', key: 'k', value: `open${j}`, version: 5 * j }),
    { err: 'OK' },
    corruption,
  );
}
