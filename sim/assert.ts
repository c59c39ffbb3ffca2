/**
 * Always-on assertions (TigerBeetle style): an invariant that fails stops the run with a
 * message naming what broke, instead of letting a simulation continue in an impossible state.
 */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

/**
 * A node's own code failed where a Go Raft would panic: it threw (an index out of range reads
 * `undefined` here, and the next field access throws), or asked the world for what no node can
 * have (a send to no such peer, a timer in the past). A verdict of the run, not a simulator crash.
 */
export class NodePanicError extends Error {
  override readonly name = 'NodePanicError';
  constructor(
    readonly node: number,
    message: string,
  ) {
    super(message);
  }
}

/** A simulation that cannot go on as configured (event cap, deadlock); not a bug in the engine. */
export class SimulationError extends Error {
  override readonly name: string = 'SimulationError';
}

/** The run executed more events than its cap: a livelock or a message storm, most likely. */
export class EventCapError extends SimulationError {
  override readonly name = 'EventCapError';
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** Closes every switch over a union: the compiler proves this is never reached. */
export function unreachable(value: never): never {
  throw new InvariantError(`unreachable: ${JSON.stringify(value)}`);
}

/**
 * For hot paths: `if (!ok) fail(\`...\`)` builds the message only on failure, where
 * `assert(ok, \`...\`)` would format it on every call.
 */
export function fail(message: string): never {
  throw new InvariantError(message);
}
