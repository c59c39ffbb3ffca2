import { expect } from 'chai';
import fc from 'fast-check';
import { ByteReader, ByteWriter, DecodeError, crc32, crcShift, crcUpdate } from './bytes.js';
import { decodeMessage, encodeMessage } from './codec.js';
import type { RaftMessage } from './messages.js';
import { RaftLog } from './log.js';
import {
  CorruptStateError,
  type PersistentState,
  StateEncoder,
  decodeState,
  encodeState,
} from './persist.js';
import { type Entry, logIndex, nodeId, term } from './types.js';

const big = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const small = fc.nat({ max: 1000 });
const anyTerm = fc.oneof(small, big).map(term);
const anyIndex = fc.oneof(small, big).map(logIndex);
const blob = fc.uint8Array({ maxLength: 40 });
const anyEntry: fc.Arbitrary<Entry> = fc.record({ term: anyTerm, command: blob });

const message: fc.Arbitrary<RaftMessage> = fc.oneof(
  fc.record({
    type: fc.constant('RequestVote' as const),
    term: anyTerm,
    lastLogIndex: anyIndex,
    lastLogTerm: anyTerm,
  }),
  fc.record({
    type: fc.constant('RequestVoteReply' as const),
    term: anyTerm,
    voteGranted: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('AppendEntries' as const),
    term: anyTerm,
    prevLogIndex: anyIndex,
    prevLogTerm: anyTerm,
    entries: fc.array(anyEntry, { maxLength: 6 }),
    leaderCommit: anyIndex,
  }),
  fc.record({
    type: fc.constant('AppendEntriesReply' as const),
    term: anyTerm,
    success: fc.constant(true as const),
    prevLogIndex: anyIndex,
    matchIndex: anyIndex,
  }),
  fc.record({
    type: fc.constant('AppendEntriesReply' as const),
    term: anyTerm,
    success: fc.constant(false as const),
    prevLogIndex: anyIndex,
    xTerm: anyTerm,
    xIndex: anyIndex,
    xLen: anyIndex,
  }),
  fc.record({
    type: fc.constant('InstallSnapshot' as const),
    term: anyTerm,
    lastIncludedIndex: anyIndex,
    lastIncludedTerm: anyTerm,
    data: blob,
  }),
  fc.record({
    type: fc.constant('InstallSnapshotReply' as const),
    term: anyTerm,
    lastIncludedIndex: anyIndex,
  }),
);

/** A valid persisted state: terms never decrease and none passes currentTerm. */
const state: fc.Arbitrary<PersistentState> = fc
  .record({
    base: fc.nat({ max: 50 }),
    steps: fc.array(fc.tuple(fc.nat({ max: 2 }), blob), { maxLength: 8 }),
    extra: fc.nat({ max: 3 }),
    vote: fc.option(fc.nat({ max: 4 }), { nil: null }),
    snapshotIndex: fc.nat({ max: 100 }),
  })
  .map(({ base, steps, extra, vote, snapshotIndex }) => {
    const snapshotTerm = snapshotIndex === 0 ? 0 : base;
    let t = Math.max(snapshotTerm, 1);
    const entries = steps.map(([bump, command]) => ({ term: term((t += bump)), command }));
    return {
      currentTerm: term(t + extra),
      votedFor: vote === null ? null : nodeId(vote),
      snapshotIndex: logIndex(snapshotIndex),
      snapshotTerm: term(snapshotTerm),
      entries,
    };
  });

describe('bytes', () => {
  it('varints round-trip from 0 to 2^53 - 1', () => {
    fc.assert(
      fc.property(fc.array(big), (values) => {
        const out = new ByteWriter(1);
        for (const v of values) out.varint(v);
        const input = new ByteReader(out.finish());
        for (const v of values) expect(input.varint('v')).to.equal(v);
        input.end('varints');
      }),
    );
  });

  it('texts round-trip, short and long, ASCII or not', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ minLength: 13, maxLength: 5000 }),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), (values) => {
        const out = new ByteWriter(1);
        for (const v of values) out.text(v);
        const input = new ByteReader(out.finish());
        for (const v of values) expect(input.text('t')).to.equal(v);
        input.end('texts');
      }),
    );
  });

  it('a text is written as its UTF-8 length, a varint, then its UTF-8 bytes, however long', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', minLength: 20, maxLength: 400 }),
      fc.string({ unit: 'binary', minLength: 60, maxLength: 300 }),
      fc.constantFrom('é'.repeat(100), 'x'.repeat(127), 'x'.repeat(128), '€'.repeat(43)),
    );
    fc.assert(
      fc.property(text, (value) => {
        const utf8 = new TextEncoder().encode(value);
        const expected = new ByteWriter(1);
        expected.varint(utf8.length);
        expected.raw(utf8);
        const out = new ByteWriter(1);
        out.byte(7);
        out.text(value);
        expect([...out.finish()]).to.deep.equal([7, ...expected.finish()]);
      }),
    );
  });

  it('crcUpdate, eight bytes at a time, equals the byte-at-a-time definition on any range', () => {
    const byteAtATime = (state: number, bytes: Uint8Array, from: number, to: number) => {
      let crc = state;
      for (let i = from; i < to; i++) crc = crcUpdate(crc, bytes, i, i + 1);
      return crc;
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 100 }),
        fc.nat(),
        fc.nat(),
        (state, bytes, a, b) => {
          const from = a % (bytes.length + 1);
          const to = from + (b % (bytes.length - from + 1));
          expect(crcUpdate(state, bytes, from, to) >>> 0).to.equal(
            byteAtATime(state, bytes, from, to) >>> 0,
          );
        },
      ),
    );
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).to.equal(0xcbf43926);
  });

  it('property: two running CRC states over the same bytes differ by crcShift of their difference', () => {
    const state = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(state, state, fc.uint8Array({ maxLength: 300 }), (a, b, bytes) => {
        const difference = (crcUpdate(a, bytes) ^ crcUpdate(b, bytes)) >>> 0;
        expect(crcShift((a ^ b) >>> 0, bytes.length)).to.equal(difference);
      }),
    );
  });

  it('a ByteWriter drops its front bytes and copies from an offset', () => {
    const writer = new ByteWriter(4);
    for (let k = 0; k < 100; k++) writer.varint(k);
    const whole = writer.finish();
    const out = new Uint8Array(90);
    writer.copyTo(out, 0, 10);
    expect([...out]).to.deep.equal([...whole.subarray(10)]);
    writer.dropFront(10);
    expect([...writer.finish()]).to.deep.equal([...whole.subarray(10)]);
    expect(() => writer.dropFront(91)).to.throw(RangeError);
  });
});

describe('message codec', () => {
  it('property: every message round-trips', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeMessage(encodeMessage(m))).to.deep.equal(m);
      }),
    );
  });

  it('property: every strict prefix of an encoding is rejected as truncated', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeMessage(m);
        for (let n = 0; n < bytes.length; n++) {
          expect(() => decodeMessage(bytes.subarray(0, n))).to.throw(DecodeError);
        }
      }),
    );
  });

  it('rejects an unknown tag, trailing bytes and a bad flag byte', () => {
    const vote = encodeMessage({ type: 'RequestVoteReply', term: term(3), voteGranted: true });
    expect(() => decodeMessage(Uint8Array.of(99, 1))).to.throw(DecodeError, /unknown message tag/);
    expect(() => decodeMessage(Uint8Array.from([...vote, 0]))).to.throw(DecodeError, /trailing/);
    const badFlag = vote.slice();
    badFlag[badFlag.length - 1] = 7;
    expect(() => decodeMessage(badFlag)).to.throw(DecodeError, /flag/);
  });

  it('is compact: a heartbeat takes a handful of bytes', () => {
    const heartbeat = encodeMessage({
      type: 'AppendEntries',
      term: term(3),
      prevLogIndex: logIndex(4),
      prevLogTerm: term(2),
      entries: [],
      leaderCommit: logIndex(4),
    });
    expect(heartbeat.length).to.be.at.most(8);
  });
});

describe('persisted state', () => {
  const snapshot = Uint8Array.of(9, 8, 7);

  it('property: round-trips with the snapshot it was saved with', () => {
    fc.assert(
      fc.property(state, (s) => {
        expect(decodeState(encodeState(s, snapshot), snapshot, 5)).to.deep.equal(s);
      }),
    );
  });

  it('property: the incremental encoder writes exactly what a fresh one writes', () => {
    const op = fc.tuple(fc.constantFrom('append', 'truncate', 'compact'), fc.nat(), blob);
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const log = new RaftLog(logIndex(0), term(0));
        const encoder = new StateEncoder();
        for (const [kind, at, command] of ops) {
          const span = log.lastIndex - log.snapshotIndex;
          if (kind === 'append') log.append([{ term: term(Math.max(1, log.lastTerm)), command }]);
          else if (span > 0 && kind === 'truncate') {
            log.truncateAfter(logIndex(log.snapshotIndex + (at % span)));
          } else if (span > 0) log.compactThrough(logIndex(log.snapshotIndex + 1 + (at % span)));
          const s: PersistentState = {
            currentTerm: term(Math.max(1, log.lastTerm)),
            votedFor: null,
            snapshotIndex: log.snapshotIndex,
            snapshotTerm: log.snapshotTerm,
            entries: log.all(),
          };
          expect(encoder.encode(s, snapshot)).to.deep.equal(encodeState(s, snapshot));
        }
      }),
    );
  });

  it('property: any single damaged byte is detected with CorruptStateError', () => {
    fc.assert(
      fc.property(state, fc.nat(), fc.integer({ min: 1, max: 255 }), (s, at, flip) => {
        const bytes = encodeState(s, snapshot);
        const k = at % bytes.length;
        bytes[k] = (bytes[k] as number) ^ flip;
        expect(() => decodeState(bytes, snapshot, 5)).to.throw(CorruptStateError);
      }),
    );
  });

  it('property: truncated state is detected and named as truncated', () => {
    fc.assert(
      fc.property(state, fc.nat(), (s, cut) => {
        const bytes = encodeState(s, snapshot);
        const n = cut % bytes.length;
        expect(() => decodeState(bytes.subarray(0, n), snapshot, 5)).to.throw(
          CorruptStateError,
          /truncated/,
        );
      }),
    );
  });

  it('names a checksum mismatch, an unknown version, bad magic and a mismatched snapshot', () => {
    const s: PersistentState = {
      currentTerm: term(2),
      votedFor: nodeId(1),
      snapshotIndex: logIndex(0),
      snapshotTerm: term(0),
      entries: [{ term: term(1), command: Uint8Array.of(1) }],
    };
    const good = encodeState(s, snapshot);
    const flipped = good.slice();
    flipped[10] = (flipped[10] as number) ^ 1;
    expect(() => decodeState(flipped, snapshot, 3)).to.throw(CorruptStateError, /checksum/);
    const version = good.slice();
    version[2] = 99;
    expect(() => decodeState(version, snapshot, 3)).to.throw(CorruptStateError, /version 99/);
    const magic = good.slice();
    magic[0] = 0;
    expect(() => decodeState(magic, snapshot, 3)).to.throw(CorruptStateError, /magic/);
    expect(() => decodeState(good, Uint8Array.of(9, 8), 3)).to.throw(CorruptStateError, /snapshot/);
    expect(() => decodeState(good, snapshot, 1)).to.throw(CorruptStateError, /votedFor 1/);
    expect(() => decodeState(Uint8Array.from([...good, 0]), snapshot, 3)).to.throw(/trailing/);
  });

  it('rejects a well-framed state whose meaning is impossible (log term after currentTerm)', () => {
    const s: PersistentState = {
      currentTerm: term(1),
      votedFor: null,
      snapshotIndex: logIndex(0),
      snapshotTerm: term(0),
      entries: [{ term: term(5), command: Uint8Array.of() }],
    };
    expect(() => decodeState(encodeState(s, snapshot), snapshot, 3)).to.throw(
      CorruptStateError,
      /after currentTerm/,
    );
  });
});
