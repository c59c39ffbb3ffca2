import { expect } from 'chai';
import { profileByName, type NetworkProfile } from '../sim/profiles.js';
import { runToy } from '../sim/testing/toy-run.js';
import { seconds } from '../sim/time.js';
import { readGolden, updatingGolden, writeGolden } from './golden.js';

/** Fixed runs of the toy cluster whose trace hashes pin the engine's behaviour. */
const CASES: Record<string, { seed: number; profile: string }> = {
  'toy seed 1 reliable': { seed: 1, profile: 'reliable' },
  'toy seed 2 reliable': { seed: 2, profile: 'reliable' },
  'toy seed 3 unreliable': { seed: 3, profile: 'unreliable' },
  'toy seed 4 longReordering': { seed: 4, profile: 'longReordering' },
  'toy seed 5 longTail': { seed: 5, profile: 'longTail' },
  'toy seed 6 duplicating': { seed: 6, profile: 'duplicating' },
};

function hashOf(seed: number, profile: string): string {
  return runToy({
    seed,
    nodes: 5,
    durationMicros: seconds(5),
    profile: profileByName(profile) as NetworkProfile,
  }).traceHash;
}

describe('golden trace hashes of the engine (change only on purpose)', () => {
  if (updatingGolden()) {
    it('rewrites scenarios/golden/engine.json', () => {
      const values: Record<string, string> = {};
      for (const [name, c] of Object.entries(CASES)) values[name] = hashOf(c.seed, c.profile);
      writeGolden('engine', values);
    });
    return;
  }
  const golden = readGolden('engine');
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name} keeps its trace hash`, () => {
      expect(hashOf(c.seed, c.profile), `golden ${name}`).to.equal(golden[name]);
    });
  }
});
