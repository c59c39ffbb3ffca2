import { expect } from 'chai';
import fc from 'fast-check';
import { logIndex, term, type ApplyMsg } from '../types.js';
import { APPLIER_TIMER, LaggingApplier } from './applier.js';
import type { KvWire } from './codec.js';
import { KvServer, type KvApplied, type KvEffect } from './server.js';
import type { KvRequest } from './types.js';

function command(index: number): ApplyMsg {
  return {
    commandValid: true,
    command: new Uint8Array([index]),
    commandIndex: logIndex(index),
    commandTerm: term(1),
    snapshotValid: false,
  };
}

describe('LaggingApplier (a service loop behind Raft)', () => {
  it('arms its timer for the first waiting apply only, and hands them all over in order', () => {
    const applier = new LaggingApplier(7, 50_000);
    const first = applier.hold<KvWire, KvApplied>(command(1));
    expect(first).to.include({ kind: 'setTimer', name: APPLIER_TIMER });
    expect(applier.hold(command(2))).to.equal(null);
    expect(applier.hold(command(3))).to.equal(null);
    expect(applier.takeAll().map((m) => (m.commandValid ? m.commandIndex : -1))).to.deep.equal([
      1, 2, 3,
    ]);
    expect(applier.takeAll()).to.deep.equal([]);
    expect(applier.hold(command(4))).to.include({ kind: 'setTimer', name: APPLIER_TIMER });
  });

  it('waits 1 µs to its bound, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 1_000_000 }), (seed, bound) => {
        const delays = (s: number) => {
          const applier = new LaggingApplier(s, bound);
          return Array.from({ length: 20 }, () => {
            const arm = applier.hold(command(1));
            applier.takeAll();
            return arm?.kind === 'setTimer' ? arm.afterMicros : -1;
          });
        };
        const drawn = delays(seed);
        expect(drawn.every((d) => d >= 1 && d <= bound)).to.equal(true);
        expect(delays(seed)).to.deep.equal(drawn);
      }),
      { numRuns: 50 },
    );
  });
});

/** A one-server cluster (node 0) with a clerk at node 1: Raft commits a proposal at once. */
function leaderOfOne(applierLagMicros: number): KvServer {
  const context = { id: 0, nodes: 2, raftState: new Uint8Array(0), snapshot: new Uint8Array(0) };
  const server = new KvServer({ ...context, seed: 3 }, 1, {
    raft: {},
    maxRaftStateBytes: 0,
    mutant: null,
    applierLagMicros,
  });
  server.start();
  server.timer('election');
  expect(server.raft.role).to.equal('leader');
  return server;
}

const PUT: KvRequest = {
  type: 'KvRequest',
  seq: 1,
  op: { kind: 'put', key: 'k', value: 'v', version: 0 },
};

const replies = (effects: readonly KvEffect[]) =>
  effects.filter((e) => e.kind === 'send' && e.message.type === 'KvReply');

describe('KvServer with a lagging applier', () => {
  it('without lag, answers a committed put in the step that commits it', () => {
    const server = leaderOfOne(0);
    expect(replies(server.message(1, PUT))).to.have.length(1);
    expect(server.appliedIndex).to.equal(server.raft.commitIndex);
  });

  it('with lag, applies and answers only when its applier timer fires', () => {
    const server = leaderOfOne(20_000);
    const effects = server.message(1, PUT);
    expect(replies(effects)).to.have.length(0);
    expect(effects.some((e) => e.kind === 'setTimer' && e.name === APPLIER_TIMER)).to.equal(true);
    expect(server.raft.commitIndex).to.be.greaterThan(server.appliedIndex);
    const later = server.timer(APPLIER_TIMER);
    expect(replies(later)).to.have.length(1);
    expect(server.appliedIndex).to.equal(server.raft.commitIndex);
  });
});
