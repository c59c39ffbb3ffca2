import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../cli/args.js';
import { checkCommand } from '../cli/check.js';
import { corpusDir } from './corpus-path.js';
import { RAFTSIM_FORMAT } from './index.js';

const CORPUS = corpusDir('porcupine');

/** Runs the command with stdout captured. */
function run(argv: string[]): { code: number; out: string } {
  const original = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = (chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  };
  try {
    return { code: checkCommand(argv), out };
  } finally {
    process.stdout.write = original;
  }
}

describe('raftsim check', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'raftsim-check-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a linearizable file and prints one summary line', () => {
    const { code, out } = run([join(CORPUS, 'kv/c01-ok.txt')]);
    expect(code).to.equal(0);
    expect(out.trim().split('\n')).to.have.length(1);
    expect(out).to.match(/: ok \(model kv-append, 58 operations, 10 partitions/);
  });

  it('exits 1 on an illegal file; --json gives verdict, model, sizes, millis and the failure', () => {
    const { code, out } = run([join(CORPUS, 'jepsen/etcd_000.log'), '--json']);
    expect(code).to.equal(1);
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(report).to.include({ verdict: 'illegal', model: 'etcd', operations: 85, partitions: 1 });
    expect(report['millis']).to.be.a('number');
    expect(report['failure']).to.have.keys([
      'partition',
      'operations',
      'linearized',
      'stateAfterLinearized',
      'stuck',
    ]);
  });

  it('exits 3 (unknown) when the budget runs out', () => {
    const { code } = run([join(CORPUS, 'jepsen/etcd_002.log'), '--budget', '5']);
    expect(code).to.equal(3);
  });

  it('checks a raftsim-history file, model from the file or from --model', () => {
    const path = join(dir, 'h.json');
    const operations = [
      {
        client: 0,
        call: 0,
        return: 10,
        input: { op: 'put', key: 'a', value: 'x', version: 0 },
        output: { err: 'OK' },
      },
      {
        client: 1,
        call: 20,
        return: 30,
        input: { op: 'get', key: 'a' },
        output: { err: 'ErrNoKey' },
      },
    ];
    writeFileSync(path, JSON.stringify({ format: RAFTSIM_FORMAT, version: 1, operations }));
    expect(run([path, '--model', 'kv']).code).to.equal(1);
    expect(() => run([path])).to.throw(UsageError, /no "model"/);
  });

  it('rejects bad input with a one-line UsageError (exit 2)', () => {
    const garbage = join(dir, 'garbage.txt');
    writeFileSync(garbage, 'not a history\n');
    expect(() => run([])).to.throw(UsageError, /history file is required/);
    expect(() => run([join(dir, 'missing.json')])).to.throw(UsageError, /cannot read/);
    expect(() => run([garbage])).to.throw(UsageError, /unrecognised format/);
    expect(() => run([garbage, '--model', 'paxos'])).to.throw(UsageError, /--model must be one of/);
    expect(() => run([garbage, '--budget', '0'])).to.throw(UsageError, /--budget/);
    expect(() => run([join(CORPUS, 'kv/c01-ok.txt'), '--model', 'etcd'])).to.throw(
      UsageError,
      /not etcd/,
    );
  });
});
