import { expect } from 'chai';
import { spawnSync, type StdioOptions } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** A repro of a short passing run on the correct Raft (its trace hash is not the recorded one). */
function passingRepro(extraTopLevel = ''): string {
  const config =
    '{"servers":3,"profile":"reliable","safetyMicros":1000,"schedule":[],"workload":{"clerks":1,"keys":1}}';
  return `{"format":"raftsim-repro","version":1,"seed":1,"traceHash":"0",${extraTopLevel}"config":${config}}`;
}

function raftsim(args: string[], options: { cwd: string; stdio?: StdioOptions; input?: string }) {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    ...options,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs with standard error sent to /dev/full, where every write fails (ENOSPC). */
function withFullStderr(args: string[], cwd: string) {
  const full = openSync('/dev/full', 'w');
  try {
    return raftsim(args, { cwd, stdio: ['ignore', 'pipe', full] });
  } finally {
    closeSync(full);
  }
}

describe('raftsim CLI: the places a command reads and writes', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'raftsim-places-'));

  it('a standard error that cannot be written changes neither the work nor the exit code', () => {
    expect(withFullStderr(['run', '--seed', 'x'], dir).code).to.equal(2);
    const run = withFullStderr(['run', '--seed', '1', '--time', '100ms', '--json'], dir);
    expect(run.code).to.equal(0);
    expect(JSON.parse(run.stdout)).to.include({ verdict: 'ok' });
  });

  it('a reader that leaves: exit 141 as SIGPIPE would, or 1 once a failure is kept', () => {
    const exitThroughClosedPipe = (args: string) => {
      const script = `"$1" "$2" ${args} --reports pipe-reports 2>/dev/null | true; exit \${PIPESTATUS[0]}`;
      return spawnSync('bash', ['-c', script, 'bash', process.execPath, MAIN], {
        cwd: dir,
        timeout: 60_000,
      }).status;
    };
    expect(exitThroughClosedPipe('fuzz --runs 3')).to.equal(141);
    expect(exitThroughClosedPipe('fuzz --mutant Z10 --runs 20 --shrink-budget 0')).to.equal(1);
  });

  it('replay - refuses an output that is the file standard input reads, and leaves it whole', () => {
    const repro = join(dir, 'victim.json');
    writeFileSync(repro, passingRepro());
    const input = openSync(repro, 'r');
    try {
      const { code, stderr } = raftsim(['replay', '-', '--html', repro], {
        cwd: dir,
        stdio: [input, 'pipe', 'pipe'],
      });
      expect(code).to.equal(2);
      expect(stderr).to.match(/^raftsim: --html would overwrite the repro on standard input/);
    } finally {
      closeSync(input);
    }
    expect(readFileSync(repro, 'utf8')).to.equal(passingRepro());
  });

  it('replay - refuses a trace into its own input pipe rather than wait on it forever', () => {
    writeFileSync(join(dir, 'piped.json'), passingRepro());
    const script = 'cat piped.json | exec "$1" "$2" replay - --trace /dev/stdin';
    const result = spawnSync('sh', ['-c', script, 'sh', process.execPath, MAIN], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).to.equal(2);
    expect(result.stderr).to.match(/--trace would overwrite the repro on standard input/);
  });

  it('a deeply nested note beside the repro is read past, even by a streamed replay', () => {
    const note = `"note":${'['.repeat(5000)}${']'.repeat(5000)},`;
    writeFileSync(join(dir, 'noted.json'), passingRepro(note));
    const { code, stderr } = raftsim(['replay', 'noted.json', '--trace', 'noted.ndjson'], {
      cwd: dir,
    });
    expect(stderr).not.to.match(/internal error/);
    expect(code).to.equal(0);
    expect(existsSync(join(dir, 'noted.ndjson'))).to.equal(true);
  });

  it('a hand-written repro with no verdict or trace hash replays as such, not as "unknown"', () => {
    writeFileSync(
      join(dir, 'bare.json'),
      passingRepro().replace('"traceHash":"0"', '"traceHash":""'),
    );
    const { code, stdout } = raftsim(['replay', 'bare.json'], { cwd: dir });
    expect(code).to.equal(0);
    expect(stdout).to.match(/^verdict: ok \(none recorded\)$/m);
    expect(stdout).to.match(/^trace-hash: [0-9a-f]{16} \(none recorded\)$/m);
  });

  it('a working folder that was removed is one line and exit 2', () => {
    const gone = join(dir, 'gone');
    mkdirSync(gone);
    const result = spawnSync(
      'sh',
      [
        '-c',
        'cd "$1" && rmdir "$1" && exec "$2" "$3" fuzz --runs 1',
        'sh',
        gone,
        process.execPath,
        MAIN,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(result.status).to.equal(2);
    expect(result.stderr).to.equal(
      'raftsim: the current folder no longer exists (ENOENT); cd to one that does\n',
    );
  });

  it('an output path that ends in / names a folder: refused, nothing written', () => {
    const { code, stderr } = raftsim(
      ['run', '--seed', '1', '--time', '100ms', '--history', 'slash/'],
      { cwd: dir },
    );
    expect(code).to.equal(2);
    expect(stderr).to.match(/^raftsim: --history: slash\/: names a folder/);
    expect(existsSync(join(dir, 'slash'))).to.equal(false);
  });
});
