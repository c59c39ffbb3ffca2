import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { corpusDir } from './corpus-path.js';
import { checkParsed, HistoryFormatError, parseHistoryFile } from './index.js';

const CORPUS = pathToFileURL(corpusDir('porcupine'));

interface Row {
  readonly path: string;
  readonly expected: string;
  readonly ops: number;
  readonly partitions: number;
}

function rows(): Row[] {
  const lines = readFileSync(new URL('expected.tsv', CORPUS), 'utf8').trim().split('\n');
  return lines.slice(1).map((line) => {
    const [path = '', , ops = '', , , , , partitions = '', expected = ''] = line.split('\t');
    return { path, expected, ops: Number(ops), partitions: Number(partitions) };
  });
}

function read(path: string): string {
  return readFileSync(fileURLToPath(new URL(path, CORPUS)), 'utf8');
}

describe('the Porcupine corpus', () => {
  it('is where the tests expect it: 103 etcd logs (one empty) and 6 kv files', () => {
    expect(rows()).to.have.length(109);
  });

  for (const row of rows()) {
    if (row.expected === 'none') {
      it(`${row.path} (empty) has no model of its own, and is trivially ok as etcd`, () => {
        expect(() => parseHistoryFile(read(row.path))).to.throw(HistoryFormatError);
        expect(checkParsed(parseHistoryFile(read(row.path), 'etcd')).verdict).to.equal('ok');
      });
      continue;
    }
    const verdict = row.expected === 'Ok' ? 'ok' : 'illegal';
    it(`${row.path} is ${verdict}`, () => {
      const history = parseHistoryFile(read(row.path));
      const result = checkParsed(history);
      expect(result.verdict).to.equal(verdict);
      expect(result.operations).to.equal(row.ops);
      expect(result.partitions).to.equal(row.partitions);
      expect(result.failure === null).to.equal(verdict === 'ok');
    });
  }

  it('reports the failing partition and a partial linearization for an illegal file', () => {
    const history = parseHistoryFile(read('kv/c01-bad.txt'));
    const failure = checkParsed(history).failure;
    expect(failure).to.not.equal(null);
    if (failure === null) return;
    const members = new Set(failure.operations);
    expect(failure.linearized.every((index) => members.has(index))).to.equal(true);
    expect(failure.stuck).to.not.equal(null);
    expect(failure.linearized).to.not.include(failure.stuck);
  });

  it('gives unknown, never ok, when the budget is tiny (etcd_080, a hard ok file)', () => {
    const history = parseHistoryFile(read('jepsen/etcd_080.log'));
    for (const budget of [1, 10, 1000]) {
      expect(checkParsed(history, { budget }).verdict).to.equal('unknown');
    }
  });

  it('gives unknown or illegal, never ok, for any budget on an illegal file', () => {
    const history = parseHistoryFile(read('jepsen/etcd_057.log'));
    for (const budget of [1, 100, 10_000, 100_000]) {
      expect(checkParsed(history, { budget }).verdict).to.be.oneOf(['unknown', 'illegal']);
    }
  });
});
