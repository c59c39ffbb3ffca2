/**
 * The data the checker works on, and what it means.
 *
 * - An operation's interval [call, return] is closed: two operations whose intervals share an
 *   endpoint (one returns at t, the other is called at t) are concurrent, so either order is legal.
 * - `return: null`: the operation was still open when the history ended (an unknown outcome). It
 *   may have taken effect at any time after its call, or never.
 * - `output: null`: the result was not observed (a timed-out read, a put whose outcome is unknown);
 *   it constrains nothing. A write (an operation the model does not call read-only) with no
 *   observed result is checked as open-ended whatever its `return`: its request may have been
 *   still in flight when the caller stopped waiting. A `return: null` operation always has
 *   `output: null`.
 * - Times are numbers in any unit (this project records virtual microseconds); only their order
 *   matters.
 */
export type Verdict = 'ok' | 'illegal' | 'unknown';

export interface Operation<I, O> {
  /** Who issued it, for reports; a client runs one operation at a time. */
  readonly client: number;
  readonly call: number;
  readonly return: number | null;
  readonly input: I;
  readonly output: O | null;
}

/** The operations of one independently checkable sub-history, as indexes into the history. */
export interface Partition {
  readonly label: string;
  readonly operations: readonly number[];
}

/**
 * An operation's identity: two keys are equal when both parts are. The text is a value of the
 * operation taken as it is (a long value is neither copied nor quoted, and its hash, once
 * computed, stays with the string); the tag holds the rest, short: a string, or a number where
 * a model can encode the rest as one (no allocation per operation).
 */
export type OpKey = readonly [tag: string | number, text: string];

/**
 * A sequential specification, as a record of pure functions (Porcupine's model shape).
 *
 * Contract the engine relies on: `step` is deterministic; `step(s, input, null)` never returns
 * null (an unobserved output is unconstrained); equal states have equal hashes; `opKey` gives
 * equal keys only when two operations of one partition step alike from every state
 * (equal inputs and outputs always qualify).
 */
export interface Model<S, I, O> {
  readonly name: string;
  init(): S;
  /** The state after the operation, or null when the output is impossible in `state`. */
  step(state: S, input: I, output: O | null): S | null;
  equal(a: S, b: S): boolean;
  /** A 32-bit integer. */
  hash(state: S): number;
  /** Independent sub-histories (P-compositionality), in a fixed order. */
  partition(history: readonly Operation<I, O>[]): readonly Partition[];
  /** Identity of an operation's input and output, used to skip symmetric search branches. */
  opKey(input: I, output: O | null): OpKey;
  /**
   * True when the operation never changes the state wherever it is legal (a read, a failed
   * conditional write). The search treats such an operation as a forced move.
   */
  readOnly(input: I, output: O | null): boolean;
  describeOp(input: I, output: O | null): string;
  describeState(state: S): string;
  /**
   * Optional: the completed operations of a partition (local indexes) that no state reachable
   * by the partition's own writes makes legal, such as a read of a value that no write in the
   * history could have produced. Any one of them makes the partition illegal before a search.
   * Contract: an operation is listed only if `step` rejects it in every such state.
   */
  readonly unwritten?: (ops: readonly LookaheadOp<I, O>[]) => readonly number[];
  /** Optional pruning knowledge; see Lookahead. */
  readonly lookahead?: Lookahead<S, I, O>;
  /**
   * Optional: true when the operation can never change `state` nor any state reachable from it
   * (a put whose version the key has passed: versions never fall). The search then sets an
   * open-ended one aside for everything that follows the current configuration, and takes a
   * returned one that is legal and leaves the state as it is as a forced move, as it does a read.
   */
  readonly spent?: (state: S, input: I) => boolean;
  /**
   * Optional: which open-ended operations of a partition (local indexes) the search can do
   * without, as OpenFate codes (see open-search.ts). Contract: only operations with
   * `return: null` are marked; if the partition is linearizable, it stays so with all the
   * DROP operations left out together. DEFER operations are left out of a first search only,
   * which is sound for "ok" whatever is deferred (see open-search.ts).
   */
  readonly openFates?: (ops: readonly LookaheadOp<I, O>[]) => Uint8Array;
  /**
   * Optional: true when a write's answer says neither whether nor when it took effect (an
   * append answered ErrMaybe). The check then treats it as unseen: open-ended, like a write
   * whose answer never came.
   */
  readonly unseen?: (input: I, output: O) => boolean;
}

/** Codes of Model.openFates: kept in every search, never needed, or needed only if all else fails. */
export const KEEP = 0;
export const DROP = 1;
export const DEFER = 2;

/** An operation of one partition, as the models' rules see it (an Operation is one). */
export interface LookaheadOp<I, O> {
  readonly input: I;
  readonly output: O | null;
  readonly call: number;
  /** null: never returned (an unknown outcome). */
  readonly return: number | null;
}

/** `placed[op]` is 1 for the partition's operations already linearized (local indexes). */
export type DoomTest<S> = (state: S, placed: Uint8Array) => boolean;

/**
 * The tests of one partition's operations (local indexes): `has[op]` is 1 when operation `op`
 * has a test, and `doomed(op, state, placed, before, within)` is then that test (the counts:
 * Lookahead's contract). One object for the whole
 * partition rather than a closure per operation: a long history has a test for most of its
 * operations, all alive for the whole search, and a closure each showed as garbage-collection
 * time. `testsOf` (doom-tests.ts) makes one from a closure per operation.
 */
export interface DoomTests<S> {
  readonly has: Uint8Array;
  /**
   * Optional: 1 for the operations a test may count on (see `before` in Lookahead's contract).
   * They must not be resets.
   */
  readonly counted?: Uint8Array;
  /** Optional: 1 for the operations whose number `within` counts (Lookahead's contract). */
  readonly possible?: Uint8Array;
  doomed(op: number, state: S, placed: Uint8Array, before: number, within: number): boolean;
  /**
   * Optional: a state to file the configuration under in the memo instead of `state`. Contract:
   * with the operations `placed` linearized, the rest of the partition can be linearized after
   * the state returned exactly when it can after `state` (every operation that returned and has
   * a local index below `from` is placed). Returning `state` itself is always right; a state
   * that forgets what no operation still to come can see lets configurations that differ only
   * in that share one memo entry.
   */
  forget?(state: S, placed: Uint8Array, from: number): S;
}

/**
 * What a model knows about where its states can go, for pruning (see lookahead.ts).
 *
 * Contract, for every state `s`:
 * - if `restart(R)` gives a state `r`, then `step(s, R)` is null, `r`, or `s` itself (R sets the
 *   state to `r` whatever it was before, or leaves it be); a reset without a restart state may
 *   go anywhere;
 * - the test of an operation G may accept `(s, placed, before)` only if no run of operations
 *   leads from `s` to a state where G is legal, when the run is made of distinct operations of
 *   the partition, none placed, none resetting, none called after G returned, and holds at least
 *   `before` operations marked in `counted`. (The pruner passes as `before` the number of
 *   marked operations, not placed, that returned before G was called: real time puts every one
 *   of them before G. It passes 0 where it cannot vouch for them; see lookahead.ts.) `within`
 *   adds nothing to the contract: it is the number of operations marked in `possible`, not
 *   placed, called before G returned (Infinity without marks), so the run holds at most that
 *   many of them.
 * Tests must never accept wrongly (a false "doomed" would hide a linearization); failing to
 * accept only costs time.
 */
export interface Lookahead<S, I, O> {
  /** The operation may take the state somewhere the tests do not foresee (e.g. a put). */
  resets(input: I, output: O | null): boolean;
  /** For a reset: the one state it can lead to, or null when that depends on the state. */
  restart(input: I, output: O | null): S | null;
  /** The tests of a partition's operations (local indexes); an operation without one never prunes. */
  tests(ops: readonly LookaheadOp<I, O>[]): DoomTests<S>;
}

export interface CheckOptions {
  /** Search steps allowed, all partitions together; running out gives 'unknown'. */
  readonly budget?: number;
  /**
   * A clock for a caller who cannot wait: asked every thousand or so steps, and once it says
   * true every undecided partition is 'unknown'. The checker keeps no clock of its own (its
   * verdicts depend on step counts alone); a caller who passes one gives that up.
   */
  readonly outOfTime?: () => boolean;
  /**
   * Steps of each search's quick attempt before its pruning turns on (open-search.ts); by
   * default 2 per operation plus 1,024, and 0 for the full search at once. The verdict is the
   * same whatever it is; tests vary it so that the pruning, and turning it on midway, are what
   * gets exercised.
   */
  readonly quickSteps?: number;
  /**
   * Whether every full search counts as struggling from its first step: a wider look-ahead
   * walk and a memo that forgets what the model says cannot be seen (Search.widen), which a
   * search otherwise turns on only once it backtracks often. The verdict is the same either
   * way; tests set it so that those rules get exercised on small histories.
   */
  readonly struggling?: boolean;
}

/** Why a history is not linearizable: the partition that fails and how far the search got. */
export interface Failure {
  readonly partition: string;
  /** Indexes into the history of the failing partition's operations, in call order. */
  readonly operations: readonly number[];
  /** The longest prefix of a linearization found (history indexes, in linearization order). */
  readonly linearized: readonly number[];
  /** The model state after `linearized`, described. */
  readonly state: string;
  /**
   * The earliest-returning operation left out of `linearized`: at that point no remaining
   * operation could be placed before it returned.
   */
  readonly stuck: number | null;
  /**
   * True when `stuck` reads a value that no write of the partition could leave: found before
   * any search, so `linearized` is empty because nothing was tried.
   */
  readonly unwritten: boolean;
}

export interface CheckResult {
  readonly verdict: Verdict;
  readonly model: string;
  readonly operations: number;
  readonly partitions: number;
  /** Search steps spent, all partitions together (the unit of the budget). */
  readonly steps: number;
  /** Labels of the partitions left undecided when the budget (or the caller's time) ran out. */
  readonly unknownPartitions: readonly string[];
  /** Whether the caller's clock (`CheckOptions.outOfTime`) stopped the search. */
  readonly outOfTime: boolean;
  readonly failure: Failure | null;
}

/** One partition, with partition-local operation indexes: what a search works on. */
export interface Problem<S, I, O> {
  readonly model: Model<S, I, O>;
  readonly inputs: readonly I[];
  readonly outputs: readonly (O | null)[];
  readonly calls: Float64Array;
  /** +Infinity for an unknown outcome. */
  readonly returns: Float64Array;
  /** The same operations as the lookahead sees them. */
  readonly ops: readonly LookaheadOp<I, O>[];
}
