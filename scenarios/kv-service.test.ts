import { expect } from 'chai';
import { unreliable } from '../sim/profiles.js';
import { Streams } from '../sim/random.js';
import { runKv } from '../sim/run/kv-run.js';
import { drawFaults } from '../sim/run/random-faults.js';
import { seconds } from '../sim/time.js';

/**
 * In the spirit of the next lab: 5 servers, 5 clerks, labrpc's unreliable network, random
 * partitions and crashes for 20 virtual seconds, then healed. The history must be linearizable,
 * every clerk must finish, and no monitor may fire.
 */
describe('key/value service under partitions and crashes', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`5 servers, 5 clerks, unreliable, 20 s of faults: linearizable and live (seed ${seed})`, () => {
      const faults = drawFaults(new Streams(seed).get('faults'), 5, seconds(20));
      const result = runKv({
        seed,
        servers: 5,
        profile: unreliable,
        faults,
        safetyMicros: seconds(20),
        workload: { clerks: 5 },
        maxRaftStateBytes: 4096,
      });
      expect(result.violation, result.violation?.message).to.equal(null);
      expect(result.liveness).to.equal(null);
      expect(result.verdict).to.equal('ok');
      expect(result.linearizability?.verdict).to.equal('ok');
      expect(faults.some((f) => f.step.kind === 'crash')).to.equal(true);
      // every clerk did real work, and every call returned
      const clients = new Set(result.history.map((op) => op.client));
      expect(clients.size).to.equal(5);
      expect(result.history.every((op) => op.return !== null)).to.equal(true);
      expect(
        result.history.filter((op) => op.input.op === 'put' && op.output?.err === 'OK').length,
      ).to.be.greaterThan(20);
    });
  }
});

describe('key/value service: snapshots and restarts', () => {
  it('servers snapshot past the size budget and restore from the snapshot on restart (seed 9)', () => {
    const faults = [
      { at: seconds(3), step: { kind: 'crash' as const, node: 0 } },
      { at: seconds(3), step: { kind: 'crash' as const, node: 1 } },
      { at: seconds(3), step: { kind: 'crash' as const, node: 2 } },
      { at: seconds(4), step: { kind: 'restart' as const, node: 0 } },
      { at: seconds(4), step: { kind: 'restart' as const, node: 1 } },
      { at: seconds(4), step: { kind: 'restart' as const, node: 2 } },
    ];
    let persistedSnapshots = 0;
    const result = runKv({
      seed: 9,
      servers: 3,
      profile: unreliable,
      faults,
      safetyMicros: seconds(8),
      maxRaftStateBytes: 1000,
      onTrace: (r) => {
        if (r.kind === 'persist' && r.detail.startsWith('snapshot')) persistedSnapshots++;
      },
    });
    expect(result.violation, result.violation?.message).to.equal(null);
    expect(result.verdict).to.equal('ok');
    expect(persistedSnapshots).to.be.at.least(3); // at least one per server
    // the restarted service kept every acknowledged write: later gets saw versions beyond 1
    const after = result.history.filter(
      (op) => op.call > seconds(4) && op.input.op === 'get' && op.output?.err === 'OK',
    );
    expect(
      after.some((op) => op.output !== null && 'version' in op.output && op.output.version > 1),
    ).to.equal(true);
  });
});
