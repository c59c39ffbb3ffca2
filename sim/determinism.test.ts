import { expect } from 'chai';
import fc from 'fast-check';
import { PROFILES, reliable, type NetworkProfile } from './profiles.js';
import { runToy, type ToyRunConfig } from './testing/toy-run.js';
import { seconds } from './time.js';

function config(seed: number, profile: NetworkProfile = reliable): ToyRunConfig {
  return { seed, nodes: 5, durationMicros: seconds(2), profile };
}

describe('determinism (toy cluster)', () => {
  it('same seed ⇒ same trace hash, for every profile and many seeds', () => {
    fc.assert(
      fc.property(
        fc.nat(1_000_000),
        fc.constantFrom(...Object.values(PROFILES)),
        (seed, profile) => {
          expect(runToy(config(seed, profile)).traceHash).to.equal(
            runToy(config(seed, profile)).traceHash,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('different seeds ⇒ different trace hashes (200 seeds, no collision)', () => {
    const hashes = new Set<string>();
    for (let seed = 0; seed < 200; seed++) hashes.add(runToy(config(seed)).traceHash);
    expect(hashes.size).to.equal(200);
  });

  it('observing the trace does not change it', () => {
    const unobserved = runToy(config(5));
    let seen = 0;
    const observed = runToy({ ...config(5), onTrace: () => seen++ });
    expect(observed.traceHash).to.equal(unobserved.traceHash);
    expect(seen).to.equal(observed.traceEvents);
  });
});
