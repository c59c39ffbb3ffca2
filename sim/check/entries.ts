import { orderByTime } from './time-order.js';

/**
 * The events of one partition as doubly linked lists (Porcupine's layout) in typed arrays.
 * Linearizing an operation unlinks its entries in O(1); undoing it links them back in place.
 *
 * Two lists share one index space:
 * - the main list: calls and returns of the operations that returned;
 * - the open list: calls of the operations with an unknown outcome (they never return, so they
 *   have no return entry; the search tries them after the others, see search.ts).
 *
 * Order of events: by time; at equal times calls before returns (intervals are closed, so an
 * operation called at the instant another returns overlaps it); then by operation index.
 * Entries are numbered in that order, across both lists, so comparing two entry numbers
 * compares their events.
 */
export interface EventLists {
  readonly mainHead: number;
  readonly openHead: number;
  /** -1 ends a list. */
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** The operation (partition-local index) of each entry. */
  readonly operation: Int32Array;
  /** For a call entry, the entry of its return; RETURN for a return entry; NO_RETURN if open. */
  readonly match: Int32Array;
}

export const RETURN = -1;
export const NO_RETURN = -2;

/**
 * Events are coded as `2 * op + isReturn` and ordered by a native numeric sort of typed arrays
 * (sortedEvents): no object per event and no comparator call per comparison, which mattered on
 * long histories (the set-up outweighed the search).
 */
export function buildEventLists(calls: Float64Array, returns: Float64Array): EventLists {
  const n = calls.length;
  const events = sortedEvents(calls, returns);
  const size = events.length;
  const lists: EventLists = {
    mainHead: size,
    openHead: size + 1,
    next: new Int32Array(size + 2).fill(-1),
    prev: new Int32Array(size + 2).fill(-1),
    operation: new Int32Array(size),
    match: new Int32Array(size).fill(NO_RETURN),
  };
  const callEntry = new Int32Array(n);
  let mainTail = lists.mainHead;
  let openTail = lists.openHead;
  events.forEach((code, entry) => {
    const op = code >>> 1;
    lists.operation[entry] = op;
    if ((code & 1) === 1) {
      lists.match[callEntry[op] ?? 0] = entry;
      mainTail = append(lists, mainTail, entry);
    } else if ((returns[op] ?? Infinity) === Infinity) {
      openTail = append(lists, openTail, entry);
    } else {
      callEntry[op] = entry;
      mainTail = append(lists, mainTail, entry);
    }
  });
  events.forEach((code, entry) => {
    if ((code & 1) === 1) lists.match[entry] = RETURN;
  });
  return lists;
}

function append(lists: EventLists, tail: number, entry: number): number {
  lists.next[tail] = entry;
  lists.prev[entry] = tail;
  return entry;
}

/** Unlinks a call entry and its return entry, if it has one. */
export function lift(lists: EventLists, call: number): void {
  unlink(lists.next, lists.prev, call);
  const end = lists.match[call] ?? NO_RETURN;
  if (end >= 0) unlink(lists.next, lists.prev, end);
}

/** Undoes `lift`, relinking in the reverse order of the unlinking. */
export function unlift(lists: EventLists, call: number): void {
  const end = lists.match[call] ?? NO_RETURN;
  if (end >= 0) relink(lists.next, lists.prev, end);
  relink(lists.next, lists.prev, call);
}

function unlink(next: Int32Array, prev: Int32Array, entry: number): void {
  const before = prev[entry] ?? -1;
  const after = next[entry] ?? -1;
  next[before] = after;
  if (after !== -1) prev[after] = before;
}

// A removed entry still remembers its neighbours ("dancing links").
function relink(next: Int32Array, prev: Int32Array, entry: number): void {
  const before = prev[entry] ?? -1;
  const after = next[entry] ?? -1;
  next[before] = entry;
  if (after !== -1) prev[after] = entry;
}

/**
 * Every event's code (`2 * op + isReturn`) in event order: by time, then calls before returns,
 * then by operation. Sorted as `isReturn * n + op` by time (orderByTime), then recoded.
 */
function sortedEvents(calls: Float64Array, returns: Float64Array): Uint32Array {
  const n = calls.length;
  let size = n;
  for (let op = 0; op < n; op++) if ((returns[op] ?? Infinity) !== Infinity) size++;
  const times = new Float64Array(size);
  const codes = new Int32Array(size);
  let k = 0;
  for (let op = 0; op < n; op++) {
    times[k] = calls[op] ?? 0;
    codes[k++] = op;
    const end = returns[op] ?? Infinity;
    if (end !== Infinity) {
      times[k] = end;
      codes[k++] = n + op;
    }
  }
  const ordered = orderByTime(times, codes, 2 * n);
  const events = new Uint32Array(size);
  ordered.forEach((code, i) => (events[i] = code < n ? 2 * code : 2 * (code - n) + 1));
  return events;
}
