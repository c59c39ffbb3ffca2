import type { DoomTest, DoomTests } from './types.js';

/**
 * A partition's tests from a test (or null) per operation: for models with short partitions.
 * They count on nothing (no `counted`), so `before` is always 0 for them.
 */
export function testsOf<S>(tests: readonly (DoomTest<S> | null)[]): DoomTests<S> {
  const has = new Uint8Array(tests.length);
  tests.forEach((test, op) => {
    if (test !== null) has[op] = 1;
  });
  return { has, doomed: (op, state, placed) => (tests[op] as DoomTest<S>)(state, placed) };
}
