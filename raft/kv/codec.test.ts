import { expect } from 'chai';
import fc from 'fast-check';
import { decodeCommand, encodeCommand, kvWireCodec, type KvWire } from './codec.js';
import type { KvOp } from './types.js';

const op: fc.Arbitrary<KvOp> = fc.oneof(
  fc.record({ kind: fc.constant('get' as const), key: fc.string() }),
  fc.record({
    kind: fc.constant('put' as const),
    key: fc.string(),
    value: fc.string(),
    version: fc.nat(),
  }),
  fc.record({ kind: fc.constant('append' as const), key: fc.string(), value: fc.string() }),
);

describe('key/value codecs', () => {
  it('log commands round-trip', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), op, (clerk, seq, o) => {
        expect(decodeCommand(encodeCommand({ clerk, seq, op: o }))).to.deep.equal({
          clerk,
          seq,
          op: o,
        });
      }),
    );
  });

  it('clerk requests and replies round-trip beside Raft messages on one wire', () => {
    const wire: fc.Arbitrary<KvWire> = fc.oneof(
      fc.record({ type: fc.constant('KvRequest' as const), seq: fc.nat(), op }),
      fc.record({
        type: fc.constant('KvReply' as const),
        seq: fc.nat(),
        err: fc.constantFrom(
          'OK' as const,
          'ErrNoKey' as const,
          'ErrVersion' as const,
          'ErrMaybe' as const,
          'ErrWrongLeader' as const,
        ),
        value: fc.string(),
        version: fc.nat(),
      }),
    );
    fc.assert(
      fc.property(wire, (m) => {
        expect(kvWireCodec.decode(kvWireCodec.encode(m))).to.deep.equal(m);
      }),
    );
    const vote = { type: 'RequestVoteReply', term: 3, voteGranted: true } as KvWire;
    expect(kvWireCodec.decode(kvWireCodec.encode(vote))).to.deep.equal(vote);
  });

  it('a truncated command is rejected', () => {
    const bytes = encodeCommand({
      clerk: 1,
      seq: 2,
      op: { kind: 'put', key: 'k', value: 'v', version: 0 },
    });
    expect(() => decodeCommand(bytes.subarray(0, bytes.length - 1))).to.throw(/truncated/);
  });
});
