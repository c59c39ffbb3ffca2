import { expect } from 'chai';
import fc from 'fast-check';
import { Memo, type Known } from './memo.js';

/** A known set of one word, as the search passes it. */
function known(bits: number): Known {
  const words = Uint32Array.of(bits);
  return { bits: words, low: 0, high: bits === 0 ? 0 : 1 };
}

/**
 * What the memo promises, kept plainly: a failure rules out the same known set and state with
 * more open operations used.
 */
function rulesOutPlainly(
  failures: [number, number, number][],
  k: number,
  open: number,
  state: number,
) {
  return failures.some(([fk, fo, fs]) => fk === k && fs === state && (fo & ~open) === 0);
}

describe('the memo of failed configurations', () => {
  it('rules out what a stored failure implies, and nothing else', () => {
    const memo = new Memo<number>(1, (a, b) => a === b);
    memo.add(known(0b101), Uint32Array.of(0b01), 7, 3);
    expect(memo.rulesOut(known(0b101), Uint32Array.of(0b11), 7, 3)).to.equal(true);
    expect(memo.rulesOut(known(0b101), Uint32Array.of(0b10), 7, 3)).to.equal(false);
    expect(memo.rulesOut(known(0b101), Uint32Array.of(0b01), 7, 4)).to.equal(false);
    expect(memo.rulesOut(known(0b111), Uint32Array.of(0b01), 7, 3)).to.equal(false);
  });

  it('emptied for room, it forgets old failures, keeps new ones, never rules out more', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 15 }),
            fc.integer({ min: 0, max: 7 }),
            fc.integer({ min: 0, max: 3 }),
          ),
          {
            minLength: 1,
            maxLength: 120,
          },
        ),
        (adds) => {
          // Room for a few sets only: the table is emptied every few adds.
          const memo = new Memo<number>(1, (a, b) => a === b, 8);
          let kept: [number, number, number][] = [];
          for (const [k, open, state] of adds) {
            const before = memo.forgotten;
            // The hash is deliberately coarse, so groups share slots.
            memo.add(known(k), Uint32Array.of(open), k & 1, state);
            if (memo.forgotten > before) kept = [];
            kept.push([k, open, state]);
            for (let qk = 0; qk < 16; qk++) {
              for (let qo = 0; qo < 8; qo++) {
                for (let qs = 0; qs < 4; qs++) {
                  const got = memo.rulesOut(known(qk), Uint32Array.of(qo), qk & 1, qs);
                  expect(got).to.equal(rulesOutPlainly(kept, qk, qo, qs));
                }
              }
            }
          }
          // The test means to exercise emptying: a long enough sequence must have emptied it.
          if (adds.length >= 20) expect(memo.forgotten).to.be.above(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});
