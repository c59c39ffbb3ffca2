/**
 * Always-on assertions (TigerBeetle style): an invariant that fails stops the run with a
 * message naming what broke, instead of letting a simulation continue in an impossible state.
 */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
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
