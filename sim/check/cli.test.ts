import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../cli/args.js';
import { checkCommand } from '../cli/check.js';
import { corpusDir } from './corpus-path.js';
import { RAFTSIM_FORMAT } from './index.js';
import { hardHistory } from './random-histories.js';

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
      'unwritten',
    ]);
  });

  it('exits 3 (unknown) when the budget runs out', () => {
    const { code } = run([join(CORPUS, 'jepsen/etcd_002.log'), '--budget', '5']);
    expect(code).to.equal(3);
  });

  it('exits 3 (unknown) when --time runs out, and says it was the time', () => {
    const path = join(dir, 'hard.edn');
    writeFileSync(path, hardHistory(1, 40));
    const { code, out } = run([path, '--time', '1us', '--json']);
    expect(code).to.equal(3);
    expect(JSON.parse(out)).to.include({
      verdict: 'unknown',
      outOfTime: true,
      timeLimitSeconds: 1e-6,
    });
    expect(run([path, '--time', '1us']).out).to.match(/out of time \(--time\) in partitions: k/);
    expect(() => run([path, '--time', '5'])).to.throw(UsageError, /--time must be a duration/);
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

  it('reads a gzipped history (the long corpus is kept that way) and a byte-order mark', () => {
    const long = run([join(corpusDir('long'), 'raft-s3-c10-3s-bad.txt.gz')]);
    expect(long.code).to.equal(1);
    const plain = readFileSync(join(CORPUS, 'kv/c01-ok.txt'));
    const packed = join(dir, 'c01.gz');
    writeFileSync(packed, gzipSync(plain));
    expect(run([packed]).code).to.equal(0);
    const marked = join(dir, 'bom.txt');
    writeFileSync(marked, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]));
    expect(run([marked]).code).to.equal(0);
    const broken = join(dir, 'broken.gz');
    writeFileSync(broken, gzipSync(plain).subarray(0, 40));
    expect(() => run([broken])).to.throw(UsageError, /gzip data that does not unpack/);
  });

  it('escapes a bidi override or a C1 control from the file in the human report', () => {
    const path = join(dir, 'bidi.json');
    const key = 'a\u202eb\u009bc';
    const operations = [
      { client: 0, call: 0, return: 10, input: { op: 'get', key }, output: { value: 'x' } },
    ];
    writeFileSync(path, JSON.stringify({ format: RAFTSIM_FORMAT, version: 1, operations }));
    const { code, out } = run([path, '--model', 'kv-append']);
    expect(code).to.equal(1);
    expect(out).to.not.match(/[\u202e\u009b]/);
    expect(out).to.include('a\\u202eb\\u009bc');
  });

  it('shows a long value by its ends and length, and a read no write explains as such', () => {
    const path = join(dir, 'huge.json');
    const huge = 'x'.repeat(100_000);
    const operations = [
      {
        client: 0,
        call: 0,
        return: 10,
        input: { op: 'put', key: 'a', value: huge, version: 0 },
        output: { err: 'OK' },
      },
      {
        client: 1,
        call: 20,
        return: 30,
        input: { op: 'get', key: 'a' },
        output: { err: 'OK', value: `${huge}y`, version: 1 },
      },
    ];
    writeFileSync(path, JSON.stringify({ format: RAFTSIM_FORMAT, version: 1, operations }));
    const { code, out } = run([path, '--model', 'kv']);
    expect(code).to.equal(1);
    expect(out.length).to.be.below(1000);
    expect(out).to.include('found before any search: a read of a value that no write');
    expect(out).to.include('(100001 characters)@1');
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
