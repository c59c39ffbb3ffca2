import { expect } from 'chai';
import fc from 'fast-check';
import type { KvServer } from '../../raft/kv/server.js';
import { KvTable } from '../../raft/kv/table.js';
import type { KvCommand, KvOp } from '../../raft/kv/types.js';
import { KvReference, replayChecks } from './kv-reference.js';

const END = { t: 1000, event: 7 };

/** Commands as clerks send them: seqs mostly rising, with copies and late old calls among them. */
const commands = fc
  .array(
    fc.record({
      clerk: fc.integer({ min: 0, max: 2 }),
      seqStep: fc.integer({ min: -2, max: 2 }),
      key: fc.constantFrom('a', 'b', 'c'),
      kind: fc.constantFrom('get', 'put', 'append'),
      version: fc.integer({ min: 0, max: 3 }),
      value: fc.string({ maxLength: 3 }),
    }),
    { maxLength: 60 },
  )
  .map((draws) => {
    const seq = [1, 1, 1];
    return draws.map((d, i): KvCommand => {
      seq[d.clerk] = Math.max(1, (seq[d.clerk] as number) + d.seqStep);
      const value = `${d.value}#${i}`;
      const op: KvOp =
        d.kind === 'get'
          ? { kind: 'get', key: d.key }
          : d.kind === 'put'
            ? { kind: 'put', key: d.key, value, version: d.version }
            : { kind: 'append', key: d.key, value };
      return { clerk: d.clerk, seq: seq[d.clerk] as number, op };
    });
  });

function fakeServer(id: number, table: KvTable): KvServer {
  return { appliedIndex: table.appliedIndex, state: table, raft: { id } } as unknown as KvServer;
}

describe('KvReference (the service semantics the replay checks use)', () => {
  it('agrees with the service table on every command sequence: what wrote, and the keys', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const table = new KvTable();
        const reference = new KvReference();
        for (const command of sequence) {
          const fresh = !table.isDuplicate(command);
          const result = table.apply(command);
          const wrote = fresh && command.op.kind !== 'get' && result.err === 'OK';
          expect(reference.apply(command)).to.equal(wrote);
        }
        expect(reference.differenceFrom(table)).to.equal(null);
      }),
    );
  });

  it('names a table that executed a call twice, lost a write, or holds a key too many', () => {
    const append: KvCommand = { clerk: 1, seq: 1, op: { kind: 'append', key: 'k', value: 'x' } };
    const reference = new KvReference();
    reference.apply(append);
    reference.apply(append); // a copy: executes once
    const twice = new KvTable();
    twice.execute(append.op);
    twice.execute(append.op);
    expect(reference.differenceFrom(twice)).to.match(/key k holds version 2/);
    expect(reference.differenceFrom(new KvTable())).to.match(/key k is missing/);
    const extra = new KvTable();
    extra.apply(append);
    extra.execute({ kind: 'put', key: 'z', value: 'v', version: 0 });
    expect(reference.differenceFrom(extra)).to.match(/holds 2 keys, the replay 1/);
    // The right key, but no record of the clerk's call (a snapshot that dropped it).
    const forgetful = new KvTable();
    forgetful.execute(append.op);
    expect(reference.differenceFrom(forgetful)).to.match(/last call of clerk 1 is none/);
  });

  it('replayChecks: each server is judged against the replay through its own applied index', () => {
    const first: KvCommand = { clerk: 1, seq: 1, op: { kind: 'append', key: 'k', value: 'x' } };
    const second: KvCommand = { clerk: 1, seq: 2, op: { kind: 'append', key: 'k', value: 'y' } };
    const log = [undefined, first, second];
    const tableOf = (run: (table: KvTable) => void, appliedIndex: number) => {
      const table = new KvTable();
      run(table);
      table.appliedIndex = appliedIndex;
      return table;
    };
    const behind = tableOf((t) => t.apply(first), 1);
    const ahead = tableOf((t) => [first, second].forEach((c) => t.apply(c)), 2);
    const servers = [fakeServer(0, ahead), fakeServer(1, behind)];
    expect(replayChecks([], log, servers, END)).to.equal(null);
    // Every call applied once, but the second append's text went in twice.
    const wrong = tableOf((t) => {
      t.apply(first);
      t.execute(second.op);
      t.execute(second.op);
    }, 2);
    const violation = replayChecks([], log, [fakeServer(1, behind), fakeServer(2, wrong)], END);
    expect(violation?.invariant).to.equal('DUR');
    expect(violation?.nodes).to.deep.equal([2]);
    expect(violation?.message).to.match(/node 2 applied through 2, but its table is not/);
  });

  it('replayChecks: an acknowledged write must take effect once, a refused put never', () => {
    const put: KvCommand = {
      clerk: 1,
      seq: 1,
      op: { kind: 'put', key: 'k', value: 'v1', version: 0 },
    };
    const applied = [undefined, put, put];
    const ok = { err: 'OK', value: '', version: 1 } as const;
    const call = (
      value: string,
      output: typeof ok | { err: 'ErrVersion'; value: ''; version: 1 },
    ) => ({
      client: 1,
      input: { op: 'put' as const, key: 'k', value, version: 0 },
      output,
      call: 0,
      return: 1,
    });
    expect(replayChecks([call('v1', ok)], applied, [], END)).to.equal(null);
    expect(replayChecks([call('v2', ok)], applied, [], END)?.message).to.match(
      /took effect 0 times/,
    );
    const refused = call('v1', { err: 'ErrVersion', value: '', version: 1 });
    expect(replayChecks([refused], applied, [], END)?.message).to.match(/refused \(ErrVersion\)/);
  });
});
