import { RETURN, type EventLists } from './entries.js';
import type { DoomTests, Lookahead, LookaheadOp } from './types.js';

/** Restart states followed per walk; past that many, later operations are not checked. */
const TRACKED_RESETS = 8;

/**
 * Pending events looked at per walk. A doomed operation is nearly always close to the front;
 * an unbounded walk made every step of the search linear in the history, which dominated the
 * check of long fuzz histories.
 */
const WALK_LIMIT = 256;
/**
 * The most a walk may be widened to (Pruner.widen): far enough to reach the next read past a
 * long run of writes the reads do not constrain one by one (appends between two gets).
 */
const MAX_WALK_LIMIT = 16_384;

/**
 * Lookahead pruning: a configuration fails at once when some operation still to be linearized
 * can no longer be legal, instead of when the search finally reaches it.
 *
 * Why this is sound. Take a pending operation G that returned: every completion linearizes it.
 * The operations linearized between now and G are pending ones that may precede G in real
 * time: called no later than G returned. Drop from that run the resets that left the state as
 * it was (a restart state allows that): the others still meet the same states. Look at the
 * last reset R left in the run:
 * - if there is none, G meets a state reached from the current one by non-resetting operations
 *   only; G's test accepting the current state then means G is illegal there (types.ts,
 *   Lookahead);
 * - if R has a restart state r, R set the state to r and G meets a state reached from r by
 *   non-resetting operations, so G's test accepting r means G is illegal there as well;
 * - if R has no restart state, nothing is known.
 * So G rules out every completion when its test accepts the current state and the restart state
 * of every pending reset that may precede it. Open-ended operations may be such resets (they may
 * take effect at any time after their call), but are never G: they need not be linearized.
 *
 * The run also holds every pending operation that returned before G was called: real time puts
 * it before G. In the first case above only resets were dropped, so the counted operations
 * (never resets) among those are all still in the run, and the test of the current state is
 * told how many there are (`before`; the walk counts their returns ahead of G's call). In the
 * second case they may lie before R, where R's restart undid their effect: the tests of restart
 * states are told 0. Either way the run holds no more of the possible operations than were
 * called before G returned (`within`, counted by the walk as well).
 *
 * Cost: one walk of the pending events, stopped at the first reset without a restart state,
 * once TRACKED_RESETS distinct restart states are in play, or after WALK_LIMIT events (widened
 * by `widen` when the search keeps backtracking; checking
 * fewer operations is always safe). Tests run once per operation met and restart state in play.
 */
export class Pruner<S, I, O> {
  private readonly resets: Uint8Array;
  private readonly restarts: (S | null)[];
  private readonly tests: DoomTests<S>;
  /**
   * The tests' marks, taken up by `widen`: counting costs the walk a little at every event, and
   * only a search that keeps backtracking needs what it buys.
   */
  private counted: Uint8Array | null = null;
  private possible: Uint8Array | null = null;
  /** For each pending operation the walk met the call of: counted returns ahead of that call. */
  private countedBefore = new Int32Array(0);
  /** The restart states of the pending resets that may precede the walk's position. */
  private readonly seen: S[] = [];
  private count = 0;
  private walkLimit = WALK_LIMIT;
  /** What the last walk had left of its length. */
  private left = 0;

  /** `placed` is the search's own record of linearized operations, read at each check. */
  constructor(
    private readonly lists: EventLists,
    private readonly placed: Uint8Array,
    hook: Lookahead<S, I, O>,
    ops: readonly LookaheadOp<I, O>[],
  ) {
    // Plain loops: Uint8Array.from with a mapping function walks an iterator per element.
    this.resets = new Uint8Array(ops.length);
    this.restarts = new Array<S | null>(ops.length).fill(null);
    ops.forEach((op, index) => {
      if (!hook.resets(op.input, op.output)) return;
      this.resets[index] = 1;
      this.restarts[index] = hook.restart(op.input, op.output);
    });
    this.tests = hook.tests(ops);
  }

  /**
   * Doubles the walk's length (up to MAX_WALK_LIMIT): the search is backtracking often, so the
   * operation that dooms its configurations may lie past the walk's end. Any length is sound.
   * From the first call on, the walk also counts for the tests (`before` and `within`).
   */
  widen(): void {
    this.walkLimit = Math.min(MAX_WALK_LIMIT, 2 * this.walkLimit);
    if (this.counted !== null || this.possible !== null) return;
    this.counted = this.tests.counted ?? null;
    this.possible = this.tests.possible ?? null;
    if (this.counted !== null) this.countedBefore = new Int32Array(this.tests.has.length);
  }

  /**
   * The last walk's events past the first WALK_LIMIT, in units of WALK_LIMIT: what a widened
   * walk cost beyond a normal one, which the search counts as steps so that its budget still
   * bounds its work.
   */
  overtime(): number {
    const walked = this.walkLimit - Math.max(0, this.left);
    return walked > WALK_LIMIT ? Math.floor((walked - 1) / WALK_LIMIT) : 0;
  }

  /** Whether the tests offer a memo key that forgets what cannot be seen (DoomTests.forget). */
  get forgets(): boolean {
    return this.tests.forget !== undefined;
  }

  /** DoomTests.forget, or the state itself. */
  forget(state: S, from: number): S {
    return this.tests.forget?.(state, this.placed, from) ?? state;
  }

  /** Whether the operation may move the state out of what the tests foresee. */
  resetting(op: number): boolean {
    return this.resets[op] === 1;
  }

  /** True when some pending operation that returned can never be legal after `state`. */
  doomed(state: S): boolean {
    const { next, operation, match, mainHead, openHead } = this.lists;
    const { counted, countedBefore, possible } = this;
    this.count = 0;
    // Counted operations that returned, and possible ones that were called, so far in the walk.
    let returned = 0;
    let called = 0;
    let open = next[openHead] ?? -1;
    this.left = this.walkLimit;
    for (let e = next[mainHead] ?? -1; e !== -1 && this.left-- > 0; e = next[e] ?? -1) {
      // Open-ended calls before this event may precede it; entry numbers compare as times.
      for (; open !== -1 && open < e; open = next[open] ?? -1) {
        const openOp = operation[open] ?? 0;
        if (possible !== null) called += possible[openOp] ?? 0;
        if (!this.track(openOp)) return false;
      }
      const op = operation[e] ?? 0;
      if (match[e] !== RETURN) {
        if (counted !== null) countedBefore[op] = returned;
        if (possible !== null) called += possible[op] ?? 0;
        if (!this.track(op)) return false;
        continue;
      }
      if (this.tests.has[op] === 1) {
        const before = counted === null ? 0 : (countedBefore[op] ?? 0);
        // The operation's own call was counted: it cannot precede itself.
        const within = possible === null ? Infinity : called - (possible[op] ?? 0);
        if (this.tests.doomed(op, state, this.placed, before, within) && this.unfed(op, within)) {
          return true;
        }
      }
      if (counted !== null) returned += counted[op] ?? 0;
    }
    return false;
  }

  /** Notes a pending call; false when the walk must stop (an unforeseeable reset, or too many). */
  private track(op: number): boolean {
    if (this.resets[op] === 0) return true;
    const restart = this.restarts[op] ?? null;
    if (restart === null) return false;
    // Same object, same test outcome: models share restart states where they can (etcd: values).
    for (let k = 0; k < this.count; k++) if (this.seen[k] === restart) return true;
    if (this.count === TRACKED_RESETS) return false;
    this.seen[this.count++] = restart;
    return true;
  }

  /** No reset seen so far leads to a state where `op` could still be legal. */
  private unfed(op: number, within: number): boolean {
    for (let k = 0; k < this.count; k++) {
      if (!this.tests.doomed(op, this.seen[k] as S, this.placed, 0, within)) return false;
    }
    return true;
  }
}
