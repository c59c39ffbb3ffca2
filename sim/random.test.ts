import { expect } from 'chai';
import fc from 'fast-check';
import { RandomStream, Streams, streamSeed } from './random.js';

describe('random streams', () => {
  it('the same (run seed, name) gives the same sequence', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), (seed, name) => {
        const a = new Streams(seed).get(name);
        const b = new Streams(seed).get(name);
        const draws = (s: RandomStream) => Array.from({ length: 20 }, () => s.int(0, 1_000_000));
        expect(draws(a)).to.deep.equal(draws(b));
      }),
    );
  });

  it('a draw from one stream never shifts another', () => {
    const quiet = new Streams(42);
    const busy = new Streams(42);
    for (let i = 0; i < 1000; i++) busy.get('network').int(0, 10);
    const expected = Array.from({ length: 50 }, () => quiet.get('faults').int(0, 1e6));
    const actual = Array.from({ length: 50 }, () => busy.get('faults').int(0, 1e6));
    expect(actual).to.deep.equal(expected);
  });

  it('different names and different seeds give different streams', () => {
    const seeds = new Set<number>();
    for (let run = 0; run < 200; run++) {
      for (const name of ['network', 'faults', 'workload', 'node-0', 'node-1'])
        seeds.add(streamSeed(run, name));
    }
    expect(seeds.size).to.equal(1000);
  });

  it('int stays in range and hits both ends', () => {
    const s = new RandomStream('t', 7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = s.int(3, 9);
      expect(x).to.be.within(3, 9);
      seen.add(x);
    }
    expect([...seen].sort()).to.deep.equal([3, 4, 5, 6, 7, 8, 9]);
  });

  it('perMille draws true at the stated rate (100 per mille over 100k draws)', () => {
    const s = new RandomStream('t', 1);
    let hits = 0;
    for (let i = 0; i < 100_000; i++) if (s.perMille(100)) hits++;
    expect(hits).to.be.within(9_500, 10_500);
    expect(s.perMille(0)).to.equal(false);
    expect(s.perMille(1000)).to.equal(true);
  });

  it('shuffle returns a permutation and pick an element', () => {
    const s = new RandomStream('t', 3);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = s.shuffle(items);
    expect([...shuffled].sort()).to.deep.equal(items);
    expect(items).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(items).to.include(s.pick(items));
    expect(() => s.pick([])).to.throw(/empty/);
  });
});
