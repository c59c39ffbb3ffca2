import { expect } from 'chai';
import fc from 'fast-check';
import { KvTable } from './table.js';

describe('KvTable (the service semantics of kv-service.md)', () => {
  it('get of a missing key is ErrNoKey', () => {
    expect(new KvTable().execute({ kind: 'get', key: 'a' }).err).to.equal('ErrNoKey');
  });

  it('put with version 0 creates a key at version 1; the next put needs version 1', () => {
    const table = new KvTable();
    expect(table.execute({ kind: 'put', key: 'a', value: 'x', version: 0 }).err).to.equal('OK');
    expect(table.execute({ kind: 'get', key: 'a' })).to.deep.equal({ err: 'OK', value: 'x', version: 1 });
    expect(table.execute({ kind: 'put', key: 'a', value: 'y', version: 0 }).err).to.equal('ErrVersion');
    expect(table.execute({ kind: 'put', key: 'a', value: 'y', version: 1 }).err).to.equal('OK');
    expect(table.execute({ kind: 'get', key: 'a' })).to.deep.equal({ err: 'OK', value: 'y', version: 2 });
  });

  it('put with a version > 0 on a missing key is ErrNoKey and changes nothing', () => {
    const table = new KvTable();
    expect(table.execute({ kind: 'put', key: 'a', value: 'x', version: 3 }).err).to.equal('ErrNoKey');
    expect(table.size).to.equal(0);
  });

  it('a snapshot round-trips the table and its applied index', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), fc.nat(), (entries, applied) => {
        const table = new KvTable();
        for (const [key, value] of Object.entries(entries)) table.execute({ kind: 'put', key, value, version: 0 });
        table.appliedIndex = applied;
        const copy = KvTable.decode(table.encode());
        expect(copy.appliedIndex).to.equal(applied);
        for (const [key, value] of Object.entries(entries)) expect(copy.read(key)).to.deep.equal({ value, version: 1 });
        expect(copy.encode()).to.deep.equal(table.encode());
      }),
    );
  });

  it('rejects a snapshot of an unknown format or with trailing bytes', () => {
    const bytes = new KvTable().encode();
    expect(() => KvTable.decode(Uint8Array.of(9, ...bytes.subarray(1)))).to.throw(/format 9/);
    expect(() => KvTable.decode(Uint8Array.of(...bytes, 0))).to.throw(/trailing/);
  });
});
