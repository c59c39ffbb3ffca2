import { expect } from 'chai';
import fc from 'fast-check';
import { ReadIndex } from './read-index.js';

describe('the read index', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 });

  it('says "no" only for texts no read starts with or contains, and "yes" for those some do', () => {
    const seen = { no: 0, yes: 0 };
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 12 }),
        fc.array(text, { minLength: 1, maxLength: 6 }),
        (reads, texts) => {
          // Reads that repeat and extend the one before them, as a history's do, and others.
          const chained = reads.flatMap((read, i) => [read, read + (reads[i - 1] ?? '')]);
          const index = new ReadIndex(chained, texts, texts);
          for (const t of texts) {
            const starts = chained.some((read) => read.startsWith(t));
            const contains = chained.some((read) => read.includes(t));
            if (starts) expect(index.mayStart(t), `starts ${t}`).to.equal(true);
            if (contains) expect(index.mayContain(t), `contains ${t}`).to.equal(true);
            if (!index.mayStart(t)) expect(starts).to.equal(false);
            if (!index.mayContain(t)) expect(contains).to.equal(false);
            seen[index.mayContain(t) ? 'yes' : 'no']++;
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(seen.no).to.be.greaterThan(100);
    expect(seen.yes).to.be.greaterThan(100);
  });

  it('answers "maybe" for a text it was not asked to look for', () => {
    const index = new ReadIndex(['abc'], ['x'], ['y']);
    expect(index.mayStart('zz')).to.equal(true);
    expect(index.mayContain('zz')).to.equal(true);
    expect(index.mayStart('x')).to.equal(false);
    expect(index.mayContain('y')).to.equal(false);
  });
});
