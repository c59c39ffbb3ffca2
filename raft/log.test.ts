import { expect } from 'chai';
import fc from 'fast-check';
import { RaftLog } from './log.js';
import { encodeState, StateEncoder } from './persist.js';
import { type Entry, type Term, logIndex, term } from './types.js';

const entry = (t: number, ...bytes: number[]): Entry => ({
  term: term(t),
  command: Uint8Array.from(bytes),
});

function logOf(...terms: number[]): RaftLog {
  return new RaftLog(
    logIndex(0),
    term(0),
    terms.map((t, k) => entry(t, k)),
  );
}

describe('RaftLog', () => {
  it('speaks absolute indexes: the first real index is 1, index 0 is the sentinel of term 0', () => {
    const log = logOf(1, 1, 2);
    expect(log.lastIndex).to.equal(3);
    expect(log.lastTerm).to.equal(2);
    expect(log.termAt(0)).to.equal(0);
    expect(log.termAt(3)).to.equal(2);
    expect(log.termAt(4)).to.equal(undefined);
    expect(log.entry(0)).to.equal(undefined);
    expect(log.entry(1)?.command).to.deep.equal(Uint8Array.of(0));
  });

  it('§7 compaction hides the offset: indexes after the snapshot keep their meaning', () => {
    const log = logOf(1, 1, 2, 3, 3);
    log.compactThrough(logIndex(3));
    expect(log.snapshotIndex).to.equal(3);
    expect(log.snapshotTerm).to.equal(2);
    expect(log.length).to.equal(2);
    expect(log.lastIndex).to.equal(5);
    expect(log.termAt(3)).to.equal(2);
    expect(log.termAt(2)).to.equal(undefined);
    expect(log.entry(4)?.command).to.deep.equal(Uint8Array.of(3));
    expect(log.slice(logIndex(4), 10).map((e) => e.term)).to.deep.equal([3, 3]);
  });

  it('§7 compaction through the last entry leaves an empty log with that index and term', () => {
    const log = logOf(1, 2);
    log.compactThrough(logIndex(2));
    expect(log.length).to.equal(0);
    expect(log.lastIndex).to.equal(2);
    expect(log.lastTerm).to.equal(2);
  });

  it('§7 resetTo discards everything and jumps to the snapshot', () => {
    const log = logOf(1, 1);
    log.resetTo(logIndex(10), term(4));
    expect(log.lastIndex).to.equal(10);
    expect(log.lastTerm).to.equal(4);
    expect(log.termAt(10)).to.equal(4);
    log.append([entry(5)]);
    expect(log.lastIndex).to.equal(11);
  });

  it('§5.3 truncateAfter removes a conflicting suffix', () => {
    const log = logOf(1, 1, 2, 2);
    log.truncateAfter(logIndex(2));
    expect(log.lastIndex).to.equal(2);
    expect(log.lastTerm).to.equal(1);
  });

  it('refuses impossible changes: compacting backwards, slicing inside the snapshot, terms going down', () => {
    const log = logOf(1, 2, 2);
    log.compactThrough(logIndex(2));
    expect(() => log.compactThrough(logIndex(1))).to.throw(/compact/);
    expect(() => log.slice(logIndex(2), 1)).to.throw(/inside the snapshot/);
    expect(() => log.append([entry(1)])).to.throw(/append term/);
    expect(() => log.truncateAfter(logIndex(1))).to.throw(/inside the snapshot/);
  });

  it('refuses a snapshot term above the entry kept after it: terms never go down along a log', () => {
    // A snapshot of term 3 through index 2 cannot stand before a kept entry 3 of term 2: that
    // entry belongs to another history (a follower that kept a conflicting tail).
    expect(() => logOf(1, 2, 2).compactThrough(logIndex(2), term(3))).to.throw(
      /entry 3 of term 2 after the snapshot's term 3/,
    );
    // A recorded term no higher than the next entry's passes here (mutant Z16 records one).
    const log = logOf(1, 2, 3);
    log.compactThrough(logIndex(2), term(3));
    expect(log.snapshotTerm).to.equal(3);
  });

  it('fast backup helpers: first index of a term run, last index of a term', () => {
    const log = logOf(1, 1, 2, 2, 2, 4);
    expect(log.firstIndexOfTermAt(logIndex(5))).to.equal(3);
    expect(log.firstIndexOfTermAt(logIndex(2))).to.equal(1);
    expect(log.lastIndexOfTerm(term(2))).to.equal(5);
    expect(log.lastIndexOfTerm(term(3))).to.equal(undefined);
    log.compactThrough(logIndex(3));
    expect(log.firstIndexOfTermAt(logIndex(5))).to.equal(4); // the run reaches into the snapshot
    expect(log.lastIndexOfTerm(term(1))).to.equal(undefined);
  });

  it('§5.4.1 up-to-date comparison: later last term wins, then the longer log', () => {
    const log = logOf(1, 2, 2);
    expect(log.isBehindOrEqualTo(term(3), logIndex(1))).to.equal(true);
    expect(log.isBehindOrEqualTo(term(2), logIndex(3))).to.equal(true);
    expect(log.isBehindOrEqualTo(term(2), logIndex(2))).to.equal(false);
    expect(log.isBehindOrEqualTo(term(1), logIndex(9))).to.equal(false);
  });

  it('every mutation bumps the version (so none can escape persisting)', () => {
    const log = logOf(1);
    const seen = [log.version];
    log.append([entry(1), entry(2)]);
    seen.push(log.version);
    log.truncateAfter(logIndex(2));
    seen.push(log.version);
    log.compactThrough(logIndex(1));
    seen.push(log.version);
    log.resetTo(logIndex(5), term(3));
    seen.push(log.version);
    expect(new Set(seen).size).to.equal(seen.length);
  });

  it('property: agrees with a plain array model under append, truncate and compaction', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('append' as const),
        n: fc.integer({ min: 1, max: 4 }),
        bump: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('compact' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const model: Term[] = [term(0)]; // model[i] = term at absolute index i
        let floor = 0; // the snapshot index
        const log = new RaftLog(logIndex(0), term(0));
        for (const o of ops) {
          if (o.kind === 'append') {
            const t = term((model[model.length - 1] as number) + (o.bump ? 1 : 0) || 1);
            for (let k = 0; k < o.n; k++) model.push(t);
            log.append(Array.from({ length: o.n }, () => entry(t)));
          } else {
            const span = model.length - 1 - floor;
            if (span <= 0) continue;
            const at = floor + (o.at % span) + (o.kind === 'compact' ? 1 : 0);
            if (o.kind === 'truncate') {
              model.length = at + 1;
              log.truncateAfter(logIndex(at));
            } else {
              floor = at;
              log.compactThrough(logIndex(at));
            }
          }
          expect(log.lastIndex).to.equal(model.length - 1);
          expect(log.snapshotIndex).to.equal(floor);
          for (let i = 0; i < model.length + 1; i++) {
            expect(log.termAt(i)).to.equal(i >= floor ? model[i] : undefined);
          }
        }
      }),
    );
  });
});

describe('saving a changing log', () => {
  type Change =
    | { kind: 'append'; count: number; byte: number }
    | { kind: 'truncate'; keep: number }
    | { kind: 'compact'; upTo: number }
    | { kind: 'reset'; ahead: number };
  const change: fc.Arbitrary<Change> = fc.oneof(
    fc.record({
      kind: fc.constant('append' as const),
      count: fc.integer({ min: 1, max: 4 }),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
    fc.record({ kind: fc.constant('compact' as const), upTo: fc.nat() }),
    fc.record({ kind: fc.constant('reset' as const), ahead: fc.integer({ min: 1, max: 3 }) }),
  );

  function apply(log: RaftLog, c: Change): void {
    const after = log.lastIndex - log.snapshotIndex;
    if (c.kind === 'append') {
      log.append(Array.from({ length: c.count }, (_, k) => entry(log.lastTerm + 1, c.byte, k)));
    } else if (c.kind === 'truncate' && after > 0) {
      log.truncateAfter(logIndex(log.snapshotIndex + (c.keep % after)));
    } else if (c.kind === 'compact' && after > 0) {
      log.compactThrough(logIndex(log.snapshotIndex + 1 + (c.upTo % after)));
    } else if (c.kind === 'reset') {
      log.resetTo(logIndex(log.lastIndex + c.ahead), term(log.lastTerm + 1));
    }
  }

  it('each save re-encoding only what changed gives the bytes of a save from scratch', () => {
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 3 }), { maxLength: 25 }), (rounds) => {
        const log = logOf(1, 1, 2);
        const encoder = new StateEncoder();
        const snapshot = Uint8Array.of(7);
        for (const round of rounds) {
          for (const c of round) apply(log, c);
          const state = {
            currentTerm: log.lastTerm,
            votedFor: null,
            snapshotIndex: log.snapshotIndex,
            snapshotTerm: log.snapshotTerm,
            entries: log.all(),
          };
          const incremental = encoder.encode(state, snapshot, log.takeUnsaved());
          expect(incremental).to.deep.equal(encodeState(state, snapshot));
        }
      }),
    );
  });
});
