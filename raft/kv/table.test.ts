import { expect } from 'chai';
import fc from 'fast-check';
import { kvProgram } from './program.js';
import { KvTable } from './table.js';

describe('KvTable (the service semantics of kv-service.md)', () => {
  it('get of a missing key is ErrNoKey', () => {
    expect(new KvTable().execute({ kind: 'get', key: 'a' }).err).to.equal('ErrNoKey');
  });

  it('put with version 0 creates a key at version 1; the next put needs version 1', () => {
    const table = new KvTable();
    expect(table.execute({ kind: 'put', key: 'a', value: 'x', version: 0 }).err).to.equal('OK');
    expect(table.execute({ kind: 'get', key: 'a' })).to.deep.equal({
      err: 'OK',
      value: 'x',
      version: 1,
    });
    expect(table.execute({ kind: 'put', key: 'a', value: 'y', version: 0 }).err).to.equal(
      'ErrVersion',
    );
    expect(table.execute({ kind: 'put', key: 'a', value: 'y', version: 1 }).err).to.equal('OK');
    expect(table.execute({ kind: 'get', key: 'a' })).to.deep.equal({
      err: 'OK',
      value: 'y',
      version: 2,
    });
  });

  it('put with a version > 0 on a missing key is ErrNoKey and changes nothing', () => {
    const table = new KvTable();
    expect(table.execute({ kind: 'put', key: 'a', value: 'x', version: 3 }).err).to.equal(
      'ErrNoKey',
    );
    expect(table.size).to.equal(0);
  });

  it('append adds to the value and bumps the version; a missing key starts empty at 0', () => {
    const table = new KvTable();
    expect(table.execute({ kind: 'append', key: 'a', value: 'x;' })).to.deep.equal({
      err: 'OK',
      value: '',
      version: 1,
    });
    table.execute({ kind: 'append', key: 'a', value: 'y;' });
    expect(table.read('a')).to.deep.equal({ value: 'x;y;', version: 2 });
    expect(table.execute({ kind: 'put', key: 'a', value: 'z', version: 2 }).err).to.equal('OK');
    table.execute({ kind: 'append', key: 'a', value: 'w' });
    expect(table.read('a')).to.deep.equal({ value: 'zw', version: 4 });
  });

  it('a snapshot round-trips the table and its applied index', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), fc.nat(), (entries, applied) => {
        const table = new KvTable();
        for (const [key, value] of Object.entries(entries))
          table.execute({ kind: 'put', key, value, version: 0 });
        table.appliedIndex = applied;
        const copy = KvTable.decode(table.encode());
        expect(copy.appliedIndex).to.equal(applied);
        expect(KvTable.appliedIndexOf(table.encode())).to.equal(applied); // the header alone
        for (const [key, value] of Object.entries(entries))
          expect(copy.read(key)).to.deep.equal({ value, version: 1 });
        expect(copy.encode()).to.deep.equal(table.encode());
      }),
    );
  });

  it('rejects a snapshot of an unknown format or with trailing bytes', () => {
    const bytes = new KvTable().encode();
    expect(() => KvTable.decode(Uint8Array.of(9, ...bytes.subarray(1)))).to.throw(/format 9/);
    expect(() => KvTable.decode(Uint8Array.of(...bytes, 0))).to.throw(/trailing/);
    expect(KvTable.appliedIndexOf(Uint8Array.of(9, ...bytes.subarray(1)))).to.equal(null);
    expect(KvTable.appliedIndexOf(bytes.subarray(0, 1))).to.equal(null); // cut inside the header
    expect(KvTable.appliedIndexOf(new Uint8Array(0))).to.equal(0); // no snapshot covers nothing
  });

  it("a snapshot it cannot decode is the server's panic, as labgob's error is a Go server's", () => {
    let thrown: unknown = null;
    try {
      KvTable.decode(new Uint8Array(0)); // what a Raft that sends no snapshot would hand over
    } catch (error) {
      thrown = error;
    }
    const program = kvProgram({ servers: 3 });
    expect(program.panicOf?.(thrown)).to.match(/^could not decode: /);
    expect(program.panicOf?.(new Error('an assertion'))).to.equal(null);
  });
});

describe('KvTable duplicate requests', () => {
  it('a request applied twice executes once and answers the same both times', () => {
    const table = new KvTable();
    const put = {
      clerk: 7,
      seq: 1,
      op: { kind: 'put' as const, key: 'a', value: 'x', version: 0 },
    };
    expect(table.apply(put).err).to.equal('OK');
    expect(table.isDuplicate(put)).to.equal(true);
    expect(table.apply(put).err).to.equal('OK'); // not ErrVersion: the duplicate is recognised
    expect(table.read('a')).to.deep.equal({ value: 'x', version: 1 });
    const next = {
      clerk: 7,
      seq: 2,
      op: { kind: 'put' as const, key: 'a', value: 'y', version: 1 },
    };
    expect(table.apply(next).err).to.equal('OK');
    expect(table.apply(put).err).to.equal('ErrVersion'); // an old request changes nothing
    expect(table.read('a')).to.deep.equal({ value: 'y', version: 2 });
  });

  it('an append that reaches the log twice, across a snapshot, adds its text once', () => {
    const table = new KvTable();
    const append = { clerk: 5, seq: 1, op: { kind: 'append' as const, key: 'k', value: 'x;' } };
    expect(table.apply(append).err).to.equal('OK');
    const restored = KvTable.decode(table.encode());
    expect(restored.apply(append)).to.deep.equal({ err: 'OK', value: '', version: 1 });
    expect(restored.read('k')).to.deep.equal({ value: 'x;', version: 1 });
  });

  it('the per-clerk record survives a snapshot', () => {
    const table = new KvTable();
    const put = {
      clerk: 3,
      seq: 4,
      op: { kind: 'put' as const, key: 'k', value: 'v', version: 0 },
    };
    table.apply(put);
    const restored = KvTable.decode(table.encode());
    expect(restored.isDuplicate(put)).to.equal(true);
    expect(restored.apply(put).err).to.equal('OK');
    expect(restored.read('k')).to.deep.equal({ value: 'v', version: 1 });
  });
});
