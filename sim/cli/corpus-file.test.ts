import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kvRunConfig } from '../fuzz/config.js';
import { runKv } from '../run/kv-run.js';
import { loadCorpusFlag } from './corpus-file.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function raftsim(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const REBUILD =
  'npx raftsim fuzz --mode guided --runs 6000 --seed 900001 --corpus none --save-corpus fuzz-corpus/guided.json.gz';

describe('the bundled seed corpus', () => {
  it('loads, and its entries reach exactly the features it holds for them', function () {
    this.timeout(300_000);
    const corpus = loadCorpusFlag('test', undefined);
    expect(corpus).to.not.equal(null);
    const entries = corpus?.entries ?? [];
    expect(entries.length).to.be.greaterThan(1000);
    // First, middle and last: a change to what runs do or what coverage records makes them
    // differ, and the corpus must then be built again.
    for (const entry of [entries[0], entries[entries.length >> 1], entries.at(-1)]) {
      if (entry === undefined) throw new Error('no entry');
      const run = runKv({ ...kvRunConfig(entry.seed, entry.config), coverage: true });
      expect(run.coverage?.features, `stale corpus: rebuild it with ${REBUILD}`).to.deep.equal(
        entry.features,
      );
    }
  });
});

describe('raftsim fuzz --corpus and --save-corpus', () => {
  it('saves the corpus a campaign ended with, and a later campaign starts from it', function () {
    this.timeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-corpus-'));
    const common = ['fuzz', '--mode', 'guided', '--nodes', '3', '--workers', '0'];
    const first = raftsim(
      [...common, '--runs', '3', '--corpus', 'none', '--save-corpus', 'c.json.gz'],
      dir,
    );
    expect(first.code, first.stderr).to.equal(0);
    const entries = /corpus: (\d+) entries \(no seed corpus\)/.exec(first.stdout)?.[1];
    expect(Number(entries)).to.be.greaterThan(0);
    const second = raftsim([...common, '--runs', '2', '--corpus', 'c.json.gz', '--json'], dir);
    expect(second.code, second.stderr).to.equal(0);
    expect((JSON.parse(second.stdout) as { seeded: number }).seeded).to.equal(Number(entries));
  });

  it('refuses bad input in one line, exit 2, before any run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-corpus-'));
    writeFileSync(
      join(dir, 'bad.json'),
      '{"format":"raftsim-corpus","version":1,"coverage":1,"runs":-1}',
    );
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    writeFileSync(join(dir, 'deep.json'), `{"format":"raftsim-corpus","entries":${deep}}`);
    writeFileSync(join(dir, 'twice.json'), '{"format":"raftsim-corpus","format":"x"}');
    const cases: [string[], string][] = [
      [['fuzz', '--corpus', 'none'], '--corpus and --save-corpus are for --mode guided'],
      [
        ['fuzz', '--mode', 'guided', '--corpus', 'bad.json'],
        'bad.json: runs: expected a non-negative',
      ],
      [['fuzz', '--mode', 'guided', '--corpus', 'missing.json'], 'cannot read missing.json'],
      [['fuzz', '--mode', 'guided', '--corpus', '/dev/zero'], 'cannot read /dev/zero'],
      [['fuzz', '--mode', 'guided', '--corpus', ''], '--corpus: an empty path'],
      [['fuzz', '--mode', 'guided', '--corpus', 'deep.json'], 'deep.json: '],
      [['fuzz', '--mode', 'guided', '--corpus', 'twice.json'], 'twice.json: format: '],
      [['fuzz', '--mode', 'guided', '--save-corpus', 'bad.json/c.json'], '--save-corpus: '],
      [['fuzz', '--mode', 'guided', '--save-corpus', '-'], '--save-corpus: -: standard output'],
      [
        ['fuzz', '--mode', 'guided', '--save-corpus', 'reports/coverage-guided-seed1.svg'],
        'the campaign writes its coverage curve there',
      ],
      [['mutants', '--corpus', 'none'], 'mutants: --corpus is for --mode guided'],
    ];
    for (const [args, message] of cases) {
      const run = raftsim(args, dir);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
      expect(run.stderr, args.join(' ')).to.include(message);
    }
    // Standard output as a pipe, named by a path: the summary's place, so refused.
    const script =
      '"$1" "$2" fuzz --mode guided --json --save-corpus /dev/stdout | cat; exit ${PIPESTATUS[0]}';
    const piped = spawnSync('bash', ['-c', script, 'bash', process.execPath, MAIN], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(piped.status).to.equal(2);
    expect(piped.stdout).to.equal('');
    expect(piped.stderr).to.include('is standard output, which takes the summary');
  });

  it('Ctrl-C stops a guided campaign and still saves its corpus (exit 130)', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-corpus-'));
    const args = ['fuzz', '--mode', 'guided', '--time', '60s', '--workers', '0'];
    const child = spawn(process.execPath, [MAIN, ...args, '--save-corpus', 'c.json.gz'], {
      cwd: dir,
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Once it says it started (its Ctrl-C handler is in place), and a moment of work later.
    await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    expect(stdout).to.match(/^interrupted: \d+ runs \(guided mode/m);
    const runs = Number(/^interrupted: (\d+) runs/m.exec(stdout)?.[1]);
    const saved = loadCorpusFlag('test', join(dir, 'c.json.gz'));
    expect(saved?.runs).to.equal(6000 + runs); // the bundled corpus's runs and the campaign's
  });

  it('keeps the corpus of a campaign that found a failure, and exits 1', function () {
    this.timeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-corpus-'));
    const args = ['fuzz', '--mode', 'guided', '--mutant', 'Z02', '--runs', '20', '--workers', '0'];
    const run = raftsim([...args, '--shrink-budget', '0', '--save-corpus', 'c.json.gz'], dir);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.match(/FAILED seed/);
    const saved = loadCorpusFlag('test', join(dir, 'c.json.gz'));
    expect(saved?.entries.every((e) => e.config.mutant === undefined)).to.equal(true);
    expect(saved?.entries.length).to.be.greaterThan(2000);
  });

  it('a corpus that cannot be written is a line on stderr and exit 2; the summary still prints', function () {
    this.timeout(300_000);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-corpus-'));
    const args = ['fuzz', '--mode', 'guided', '--runs', '2', '--nodes', '3', '--workers', '0'];
    const run = raftsim([...args, '--corpus', 'none', '--save-corpus', '/dev/full'], dir);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.include('2 runs (guided mode');
    expect(run.stderr).to.match(/cannot write \/dev\/full \(ENOSPC\); the corpus was not saved/);
  });
});
