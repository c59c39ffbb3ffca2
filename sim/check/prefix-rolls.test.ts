import { expect } from 'chai';
import fc from 'fast-check';
import { rollHash } from './hashing.js';
import { PrefixRolls } from './prefix-rolls.js';

describe('PrefixRolls', () => {
  // Reads that repeat, extend or cut back the one before, and unrelated ones: the shapes of a
  // key's reads between puts.
  const reads = fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 }), {
    maxLength: 30,
  });

  it('gives every read, and any other text, the hash of each of its prefixes', () => {
    fc.assert(
      fc.property(reads, fc.string({ maxLength: 6 }), (texts, other) => {
        const rolls = new PrefixRolls(texts);
        for (const text of [...texts, other]) {
          const table = rolls.of(text);
          expect(table.length).to.be.at.least(text.length + 1);
          for (let i = 0; i <= text.length; i++) {
            expect(table[i], `${JSON.stringify(text)} at ${i}`).to.equal(
              rollHash(text.slice(0, i)),
            );
          }
        }
      }),
    );
  });

  it('shares one table among reads that extend one another', () => {
    const rolls = new PrefixRolls(['ab', 'abc', 'a', 'abcd', 'x', 'xy']);
    expect(rolls.of('a')).to.equal(rolls.of('abcd'));
    expect(rolls.of('ab')).to.equal(rolls.of('abc'));
    expect(rolls.of('x')).to.equal(rolls.of('xy'));
    expect(rolls.of('x')).to.not.equal(rolls.of('a'));
  });
});
