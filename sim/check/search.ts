import { buildEventLists, lift, NO_RETURN, RETURN, unlift, type EventLists } from './entries.js';
import { combine, zobristKeys } from './hashing.js';
import { Pruner } from './lookahead.js';
import { Memo } from './memo.js';
import { MemoKeys } from './memo-keys.js';
import { buildPrecedence, type Precedence } from './symmetry.js';
import type { Lookahead, Model, Problem, Verdict } from './types.js';

/** Phases of the scan of one configuration: the main list, then the open list. */
const MAIN = 0;
/** A word of the known set with all 32 operations linearized. */
const FULL = 0xffffffff;
const OPEN = 1;
/** No symmetry constraints at all. */
const NO_PRECEDENCE: Precedence = { start: new Int32Array(0), preds: new Int32Array(0) };

/**
 * Wing & Gong's search as refined by Lowe (and used by Porcupine): repeatedly linearize one of
 * the operations that can go first (its call comes before every pending return), backtrack when
 * a return is reached with nothing left to try, and skip configurations already explored.
 *
 * Further rules, each safe because it never removes the last way to succeed:
 * - Success as soon as every operation that returned is linearized: the open-ended ones can be
 *   placed at the end (an unobserved output is always legal) or be taken never to have happened.
 * - A read-only operation (model.readOnly) that is legal now is a forced move: in any
 *   linearization of the rest it could be moved up to here without changing a state, so if the
 *   search fails after it, it fails without it too, and the alternatives are not tried. So is
 *   a write that changes nothing now and that the model calls spent (it can change no state
 *   reachable from here); a write that merely happens to change nothing now may change the
 *   state later, and is not forced.
 * - An open-ended operation that would leave the state as it is (a put whose version is not the
 *   current one) is not tried: placed there it changes nothing, so any linearization with it
 *   is one without it, and it may still be placed later or never.
 * - An open-ended operation the model calls spent (model.spent: it can change no state
 *   reachable from here) is unlinked from the open list until the search backtracks out of the
 *   configuration that found it so, and no walk meets it again meanwhile.
 * - Symmetry: interchangeable operations are linearized in a fixed order (see symmetry.ts).
 * - Lookahead: a configuration where some pending operation can no longer be legal fails at
 *   once, as if the memo had ruled it out (see lookahead.ts for why).
 *
 * Order of trial (which matters for speed only): operations that returned first, in call order;
 * then the open-ended ones, as "not yet" is often the right guess for them.
 *
 * Resumable: `advance` runs a number of steps, so the checker can interleave partitions.
 * One step is one visit of an entry or one backtrack; a widened look-ahead walk adds a step for
 * every WALK_LIMIT events it visits past its first WALK_LIMIT (lookahead.ts), so the budget
 * bounds the work.
 */
export class Search<S, I, O> {
  private readonly model: Model<S, I, O>;
  private readonly inputs: readonly I[];
  private readonly outputs: readonly (O | null)[];
  private readonly lists: EventLists;
  private readonly problem: Problem<S, I, O>;
  /** Symmetry and lookahead: off in a quick attempt until `prune` turns them on. */
  private precedence: Precedence = NO_PRECEDENCE;
  private readonly readOnly: Uint8Array;
  private readonly known: Uint8Array;
  private readonly zobrist: Int32Array;
  /** Each operation's bit in `knownBits` (returned) or `openBits` (open-ended). */
  private readonly bitOf: Int32Array;
  private readonly knownBits: Uint32Array;
  /** `knownBits` with its window (memo.ts, Known), kept up to date by `toggle`. */
  private readonly window: { bits: Uint32Array; low: number; high: number };
  private readonly openBits: Uint32Array;
  private readonly memo: Memo<S>;
  private pruner: Pruner<S, I, O> | null = null;
  /** Set once keyOf asks the model's tests what to forget (see `widen`). */
  private keys: MemoKeys<S> | null = null;
  /** 1 for each linearized operation (what `knownBits` and `openBits` say, by operation). */
  private readonly placed: Uint8Array;
  private readonly stackEntry: Int32Array;
  private readonly stackLimit: Int32Array;
  private readonly stackForced: Uint8Array;
  private readonly stackState: S[] = [];
  private readonly stackHash: Int32Array;
  /** What the memo files the current configuration under (keyOf), and its hash. */
  private key: S;
  private keyHash: number;
  /** The key keyOf computed last, and its hash. */
  private nextKey: S;
  private nextKeyHash = 0;
  /** Open call entries set aside as spent, in the order they were unlinked. */
  private readonly spentLog: Int32Array;
  private spentTop = 0;
  /** `spentTop` when each stack frame was pushed. */
  private readonly stackSpent: Int32Array;
  private depth = 0;
  private state: S;
  /** Zobrist hash of `knownBits`. */
  private knownHash = 0;
  private stateHash: number;
  private remaining = 0;
  private failing = false;
  private phase = MAIN;
  private entry: number;
  /** In the OPEN phase: the first pending return; only open calls before it can go first. */
  private limit = 0;
  /** The longest linearization found: stack entries, `best[0 .. bestLength)`. */
  private readonly best: Int32Array;
  private bestLength = 0;
  /** The stack has kept `best[0 .. stable)` since the last record (so it is not copied again). */
  private stable = 0;
  private bestState: S;
  steps = 0;
  /** Steps that were backtracks. */
  backtracks = 0;
  verdict: Verdict | null = null;

  /**
   * `pruning`: false leaves out the model's lookahead and the symmetry rule (neither is set
   * up, nothing is pruned by them) until `prune` is called: a quick first attempt.
   */
  constructor(problem: Problem<S, I, O>, pruning = true) {
    const { model, inputs, outputs, calls, returns } = problem;
    const n = inputs.length;
    this.problem = problem;
    this.model = model;
    this.inputs = inputs;
    this.outputs = outputs;
    this.lists = buildEventLists(calls, returns);
    this.readOnly = new Uint8Array(n);
    this.known = new Uint8Array(n);
    this.bitOf = new Int32Array(n);
    let openCount = 0;
    for (let op = 0; op < n; op++) {
      if (model.readOnly(inputs[op] as I, outputs[op] ?? null)) this.readOnly[op] = 1;
      if (returns[op] === Infinity) {
        this.bitOf[op] = openCount++;
      } else {
        this.known[op] = 1;
        this.bitOf[op] = this.remaining++;
      }
    }
    this.zobrist = zobristKeys(n);
    this.knownBits = new Uint32Array(Math.ceil(this.remaining / 32));
    this.openBits = new Uint32Array(Math.ceil((n - this.remaining) / 32));
    this.window = { bits: this.knownBits, low: 0, high: 0 };
    this.memo = new Memo<S>(this.openBits.length, (a, b) => model.equal(a, b));
    this.placed = new Uint8Array(n);
    this.stackEntry = new Int32Array(n);
    this.stackLimit = new Int32Array(n);
    this.stackForced = new Uint8Array(n);
    this.stackHash = new Int32Array(n);
    this.spentLog = new Int32Array(n);
    this.stackSpent = new Int32Array(n);
    this.best = new Int32Array(n);
    this.state = model.init();
    this.stateHash = model.hash(this.state);
    this.bestState = this.state;
    this.key = this.nextKey = this.state;
    this.keyHash = this.stateHash;
    this.entry = this.lists.next[this.lists.mainHead] ?? -1;
    if (this.remaining === 0) this.verdict = 'ok';
    if (pruning) this.prune();
  }

  /**
   * Turns on symmetry and the lookahead from here on. Sound at any point of the search: both
   * only drop configurations from which no linearization exists (the swaps of the symmetry
   * argument touch only operations not yet linearized), so the failures the memo holds, found
   * with or without them, stay failures, and what is left to search still holds a
   * linearization if one exists.
   */
  prune(): void {
    if (this.precedence !== NO_PRECEDENCE) return;
    const { model, inputs, outputs, calls, returns } = this.problem;
    const keys = inputs.map((input, op) => model.opKey(input, outputs[op] ?? null));
    this.precedence = buildPrecedence(keys, calls, returns);
    if (model.lookahead !== undefined) this.pruner = this.pruneWith(this.problem, model.lookahead);
  }

  /**
   * The search keeps backtracking: the lookahead looks further ahead (Pruner.widen), and the
   * memo files configurations under what the model's tests let it forget (keyOf), which costs
   * a look at pending operations per step and pays only in a search that struggles. Nothing
   * without a lookahead.
   */
  widen(): void {
    this.pruner?.widen();
    if (this.pruner?.forgets === true) this.keys ??= new MemoKeys(this.known);
  }

  private pruneWith(problem: Problem<S, I, O>, hook: Lookahead<S, I, O>): Pruner<S, I, O> {
    return new Pruner(this.lists, this.placed, hook, problem.ops);
  }

  /** The longest partial linearization found (local indexes, in order) and the state after it. */
  longest(): { readonly operations: readonly number[]; readonly state: S } {
    if (this.verdict === 'ok') this.record();
    const { operation } = this.lists;
    const entries = this.best.subarray(0, this.bestLength);
    return { operations: Array.from(entries, (e) => operation[e] ?? 0), state: this.bestState };
  }

  /** Runs up to `maxSteps` more steps; returns the verdict once there is one. */
  advance(maxSteps: number): Verdict | null {
    const stop = this.steps + maxSteps;
    while (this.verdict === null && this.steps < stop) {
      this.steps++;
      if (this.failing) this.backtrack();
      else this.visit();
    }
    return this.verdict;
  }

  private visit(): void {
    const { next, match, openHead } = this.lists;
    const entry = this.entry;
    if (this.phase === MAIN && match[entry] === RETURN) {
      // The first pending return: now the open-ended calls made before it.
      this.limit = entry;
      this.phase = OPEN;
      this.entry = next[openHead] ?? -1;
      return;
    }
    if (this.phase === OPEN && (entry === -1 || entry > this.limit)) {
      // Everything that could go first has been tried.
      this.failing = true;
      return;
    }
    this.attempt(entry, this.lists.operation[entry] ?? 0);
  }

  private attempt(entry: number, op: number): void {
    const next = this.lists.next;
    if (this.waiting(op)) {
      this.entry = next[entry] ?? -1;
      return;
    }
    if (this.known[op] === 0 && this.model.spent?.(this.state, this.inputs[op] as I) === true) {
      lift(this.lists, entry);
      this.spentLog[this.spentTop++] = entry;
      this.entry = next[entry] ?? -1;
      return;
    }
    const after = this.model.step(this.state, this.inputs[op] as I, this.outputs[op] ?? null);
    if (after === null || (after === this.state && this.known[op] === 0)) {
      this.entry = next[entry] ?? -1;
      return;
    }
    const forced = this.readOnly[op] === 1 || this.spentNoOp(op, after);
    this.toggle(op);
    const afterHash = this.model.hash(after);
    this.keyOf(after, afterHash);
    const { window, openBits } = this;
    const hash = combine(this.knownHash, this.nextKeyHash);
    if (
      this.memo.rulesOut(window, openBits, hash, this.nextKey) ||
      this.hopeless(entry, op, after)
    ) {
      this.toggle(op);
      if (forced) this.failing = true;
      else this.entry = next[entry] ?? -1;
      return;
    }
    this.push(entry, op, after, afterHash, forced);
  }

  /**
   * A write that returned, changes nothing here and can change no state reachable from here
   * (model.spent: a put whose version the key has passed, answered ErrMaybe) is a forced move,
   * as a read is: it is legal and inert wherever it goes from now on, so any linearization of
   * the rest could take it here. Without the rule, n such puts raced at one version cost n!
   * orders once one of them has installed.
   */
  private spentNoOp(op: number, after: S): boolean {
    return after === this.state && this.model.spent?.(this.state, this.inputs[op] as I) === true;
  }

  /**
   * Lookahead (lookahead.ts), on the configuration after linearizing `op` (unlinked for the
   * walk, then linked back: `push` unlinks it for good). Skipping is always safe, and done
   * after a read-only non-reset: the state is unchanged and one read fewer is pending, which
   * the models' tests do not look at, so the parent's check already said all there is.
   */
  private hopeless(entry: number, op: number, after: S): boolean {
    const pruner = this.pruner;
    if (pruner === null || (this.readOnly[op] === 1 && !pruner.resetting(op))) return false;
    lift(this.lists, entry);
    const doomed = pruner.doomed(after);
    this.steps += pruner.overtime();
    unlift(this.lists, entry);
    return doomed;
  }

  /**
   * Sets `nextKey` to what the memo files the configuration just reached under: the state, or
   * what the model's tests reduce it to (DoomTests.forget) once the search struggles.
   */
  private keyOf(after: S, afterHash: number): void {
    const { pruner, keys } = this;
    const key =
      pruner !== null && keys !== null
        ? pruner.forget(after, keys.firstUnsure(this.window))
        : after;
    this.nextKey = key;
    this.nextKeyHash = key === after ? afterHash : this.model.hash(key);
  }

  private push(entry: number, op: number, after: S, afterHash: number, forced: boolean): void {
    const depth = this.depth++;
    this.stackHash[depth] = this.stateHash;
    this.stateHash = afterHash;
    this.keys?.keep(depth, this.key, this.keyHash);
    this.key = this.nextKey;
    this.keyHash = this.nextKeyHash;
    this.stackEntry[depth] = entry;
    this.stackLimit[depth] = this.limit;
    this.stackForced[depth] = forced ? 1 : 0;
    this.stackSpent[depth] = this.spentTop;
    this.stackState[depth] = this.state;
    this.state = after;
    lift(this.lists, entry);
    if (this.known[op] === 1 && --this.remaining === 0) this.verdict = 'ok';
    this.phase = MAIN;
    this.entry = this.lists.next[this.lists.mainHead] ?? -1;
  }

  /** The current configuration has no linearization: undo the last choice. */
  private backtrack(): void {
    this.backtracks++;
    if (this.depth > this.bestLength) this.record();
    if (this.depth === 0) {
      this.verdict = 'illegal';
      return;
    }
    const { window, openBits } = this;
    this.memo.add(window, openBits, combine(this.knownHash, this.keyHash), this.key);
    const depth = --this.depth;
    this.stable = Math.min(this.stable, depth);
    const entry = this.stackEntry[depth] ?? 0;
    const op = this.lists.operation[entry] ?? 0;
    this.state = this.stackState[depth] as S;
    this.stateHash = this.stackHash[depth] ?? 0;
    const keys = this.keys !== null && this.keys.kept(depth) ? this.keys : null;
    this.key = keys === null ? this.state : keys.keyAt(depth);
    this.keyHash = keys === null ? this.stateHash : keys.hashAt(depth);
    this.toggle(op);
    if (this.known[op] === 1) this.remaining++;
    // Links come back in the reverse order of their removal (dancing links).
    const spentBefore = this.stackSpent[depth] ?? 0;
    while (this.spentTop > spentBefore) unlift(this.lists, this.spentLog[--this.spentTop] ?? 0);
    unlift(this.lists, entry);
    // A forced move failing means its parent configuration fails as well.
    this.failing = this.stackForced[depth] === 1;
    this.phase = this.lists.match[entry] === NO_RETURN ? OPEN : MAIN;
    this.limit = this.stackLimit[depth] ?? 0;
    this.entry = this.lists.next[entry] ?? -1;
  }

  private toggle(op: number): void {
    const bit = this.bitOf[op] ?? 0;
    this.placed[op] = 1 - (this.placed[op] ?? 0);
    if (this.known[op] === 1) {
      this.flipKnown(bit);
      this.knownHash ^= this.zobrist[op] ?? 0;
    } else {
      this.openBits[bit >>> 5] = (this.openBits[bit >>> 5] ?? 0) ^ (1 << (bit & 31));
    }
  }

  /** Flips a known operation's bit and moves the window's ends past full and empty words. */
  private flipKnown(bit: number): void {
    const bits = this.knownBits;
    const window = this.window;
    const word = bit >>> 5;
    const value = ((bits[word] ?? 0) ^ (1 << (bit & 31))) >>> 0;
    bits[word] = value;
    if (value !== 0) window.high = Math.max(window.high, word + 1);
    else while (window.high > 0 && bits[window.high - 1] === 0) window.high--;
    if (value !== FULL) window.low = Math.min(window.low, word);
    else while (window.low < bits.length && bits[window.low] === FULL) window.low++;
  }

  /** Symmetry: an operation waits until its interchangeable predecessors are linearized. */
  private waiting(op: number): boolean {
    const { start, preds } = this.precedence;
    if (start.length === 0) return false;
    const end = start[op + 1] ?? 0;
    for (let k = start[op] ?? 0; k < end; k++) {
      if (this.placed[preds[k] ?? 0] === 0) return true;
    }
    return false;
  }

  /** Copies only what changed since the last record: linear in the search's moves overall. */
  private record(): void {
    this.best.set(this.stackEntry.subarray(this.stable, this.depth), this.stable);
    this.bestLength = this.depth;
    this.stable = this.depth;
    this.bestState = this.state;
  }
}
