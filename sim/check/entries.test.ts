import { expect } from 'chai';
import fc from 'fast-check';
import { buildEventLists, RETURN } from './entries.js';

/** The event order the lists must follow: by time, calls before returns, then by operation. */
function expectedOrder(calls: Float64Array, returns: Float64Array): number[] {
  const codes: number[] = [];
  calls.forEach((_, op) => {
    codes.push(2 * op);
    if ((returns[op] ?? Infinity) !== Infinity) codes.push(2 * op + 1);
  });
  const timeOf = (code: number) => ((code & 1) === 0 ? calls : returns)[code >>> 1] ?? 0;
  return codes.sort((a, b) => timeOf(a) - timeOf(b) || (a & 1) - (b & 1) || a - b);
}

/** The lists' events as codes, in entry order. */
function actualOrder(calls: Float64Array, returns: Float64Array): number[] {
  const lists = buildEventLists(calls, returns);
  return Array.from(
    lists.operation,
    (op, entry) => 2 * op + (lists.match[entry] === RETURN ? 1 : 0),
  );
}

describe('event lists', () => {
  const history = (times: fc.Arbitrary<number>) =>
    fc.array(fc.tuple(times, times, fc.boolean()), { maxLength: 40 }).map((ops) => ({
      calls: Float64Array.from(ops, ([a, b]) => Math.min(a, b)),
      returns: Float64Array.from(ops, ([a, b, open]) => (open ? Infinity : Math.max(a, b))),
    }));

  it('order events by time, calls first at equal times, then by operation', () => {
    // Small integers (the direct path), fractions and huge spans (the ranked path), with ties.
    const times = [
      fc.integer({ min: 0, max: 6 }),
      fc.constantFrom(0.5, 1.25, 3, 1e300, -7.5),
      fc.integer({ min: 0, max: 3 }).map((k) => k * 2 ** 52),
    ];
    for (const arbitrary of times) {
      fc.assert(
        fc.property(history(arbitrary), ({ calls, returns }) => {
          expect(actualOrder(calls, returns)).to.deep.equal(expectedOrder(calls, returns));
        }),
        { numRuns: 300 },
      );
    }
  });

  it('link the main list and the open list through every event once', () => {
    const calls = Float64Array.of(0, 1, 2);
    const returns = Float64Array.of(5, Infinity, 3);
    const lists = buildEventLists(calls, returns);
    const walk = (head: number) => {
      const seen: number[] = [];
      for (let e = lists.next[head] ?? -1; e !== -1; e = lists.next[e] ?? -1) seen.push(e);
      return seen.map((e) => lists.operation[e]);
    };
    expect(walk(lists.mainHead)).to.deep.equal([0, 2, 2, 0]);
    expect(walk(lists.openHead)).to.deep.equal([1]);
  });
});
