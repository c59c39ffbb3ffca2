/**
 * Always-on assertions for the Raft core. A broken invariant stops the run with a message that
 * names what broke, instead of letting a node go on from an impossible state.
 */
export class RaftInvariantError extends Error {
  override readonly name = 'RaftInvariantError';
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new RaftInvariantError(message);
}

/**
 * For hot paths: `if (!ok) fail(\`...\`)` builds the message only on failure, where
 * `assert(ok, \`...\`)` formats it on every call (a string per message handled).
 */
export function fail(message: string): never {
  throw new RaftInvariantError(message);
}

/** Closes every switch over a union: the compiler proves this line is never reached. */
export function unreachable(value: never): never {
  throw new RaftInvariantError(`unreachable: ${JSON.stringify(value)}`);
}
