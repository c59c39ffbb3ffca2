import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN, raftsimIn } from './cli.test.js';
import { stickyBlocksReplacing } from './output.js';

describe('raftsim outputs: a replaced file stays the file it was', () => {
  const dir = mkdtempSync(join(tmpdir(), 'raftsim-output-'));

  for (const mode of [0o600, 0o666]) {
    it(`keeps the permissions of the file it replaces (${mode.toString(8)})`, () => {
      const path = join(dir, `mode-${mode.toString(8)}.json`);
      writeFileSync(path, 'old');
      chmodSync(path, mode);
      const { code, stderr } = raftsimIn(dir, 'run', '--seed', '1', '--history', path);
      expect(code, stderr).to.equal(0);
      expect(statSync(path).mode & 0o777).to.equal(mode);
      expect(readFileSync(path, 'utf8')).to.match(/^\{"format":"raftsim-history"/);
    });
  }

  it('other hard links to a replaced file keep its old contents', () => {
    const path = join(dir, 'linked.json');
    const kept = join(dir, 'kept.json');
    writeFileSync(path, 'old');
    linkSync(path, kept);
    const { code } = raftsimIn(dir, 'run', '--seed', '1', '--history', path);
    expect(code).to.equal(0);
    expect(readFileSync(kept, 'utf8')).to.equal('old');
    expect(readFileSync(path, 'utf8')).to.match(/^\{"format":"raftsim-history"/);
  });
});

describe('raftsim outputs: a write cut short (Ctrl-C, a reader that leaves)', () => {
  const output = new URL('./output.js', import.meta.url).href;

  /** Runs `body` in a fresh Node process that has output.js as `out`; gives how it ended. */
  function child(body: string) {
    const script = `import * as out from ${JSON.stringify(output)};\n${body}`;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
  }

  it('is held until the file is whole: no temporary file left, the command ends its own way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-sigint-'));
    const target = join(dir, 'trace.ndjson');
    // The signal arrives in the middle of the write, as a press of Ctrl-C would.
    const result = child(`
      function* chunks() {
        yield 'a'.repeat(1000);
        process.kill(process.pid, 'SIGINT');
        for (let i = 0; i < 100; i++) yield 'b'.repeat(1000);
      }
      out.writeFileAtomic(${JSON.stringify(target)}, chunks());
      process.stdout.write('written\\n');
      process.exitCode = 1;
    `);
    expect(result.signal, result.stderr).to.equal(null);
    expect(result.status, result.stderr).to.equal(1);
    expect(result.stdout).to.equal('written\n');
    expect(readdirSync(dir)).to.deep.equal(['trace.ndjson']);
    expect(readFileSync(target, 'utf8')).to.have.length(101_000);
  });

  it('leaves Ctrl-C to a command that handles it itself (the fuzzer stops, then reports)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-sigint-'));
    const result = child(`
      let presses = 0;
      process.on('SIGINT', () => presses++);
      out.writeFileAtomic(${JSON.stringify(join(dir, 'x'))}, ['x']);
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => process.stdout.write('presses: ' + presses + '\\n'), 200);
    `);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.equal('presses: 1\n');
  });

  describe('a named pipe as an output', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-pipe-'));
    const fifo = join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);

    /** `raftsim run --seed 1 --trace <fifo>`, running; `waiting` once it waits for a reader. */
    function runInto(pipe: string) {
      const command = spawn(process.execPath, [MAIN, 'run', '--seed', '1', '--trace', pipe], {
        cwd: dir,
      });
      let stderr = '';
      const waiting = new Promise<void>((resolve) =>
        command.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('waiting for a reader on the named pipe')) resolve();
        }),
      );
      const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        command.on('exit', (code, signal) => resolve({ code, signal })),
      );
      return { command, waiting, ended, stderr: () => stderr };
    }

    it('waits for a reader that comes late, then writes the trace whole', async () => {
      // Megabytes: the pipe fills many times over, and the writer waits for its reader.
      const file = join(dir, 'trace.ndjson');
      expect(raftsimIn(dir, 'run', '--seed', '1', '--trace', file).code).to.equal(0);
      expect(statSync(file).size).to.be.greaterThan(1 << 20);
      const run = runInto(fifo);
      await run.waiting;
      const copy = join(dir, 'copy.ndjson');
      const reader = spawn('sh', ['-c', `cat "${fifo}" > "${copy}"`], { stdio: 'ignore' });
      const read = new Promise((resolve) => reader.on('exit', resolve));
      expect((await run.ended).code, run.stderr()).to.equal(0);
      await read;
      expect(readFileSync(copy, 'utf8')).to.equal(readFileSync(file, 'utf8'));
    });

    it('gives up on a reader that never comes: one line, exit 2', async () => {
      const run = runInto(fifo);
      expect((await run.ended).code).to.equal(2);
      expect(run.stderr()).to.match(/no reader on the named pipe after 10 s\n$/);
    });

    it('ends on Ctrl-C while it waits', async () => {
      const run = runInto(fifo);
      await run.waiting;
      run.command.kill('SIGINT');
      expect(await run.ended).to.deep.equal({ code: null, signal: 'SIGINT' });
    });
  });

  it('a reader that leaves after part of a write is a write error, not a short file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-pipe-'));
    const fifo = join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    // The reader takes 10 bytes of one 1 MB write and goes: the write stops part way.
    const reader = spawn('head', ['-c', '10', fifo], { stdio: 'ignore' });
    const result = child(`
      try {
        const target = { kind: 'stream', path: ${JSON.stringify(fifo)} };
        await out.awaitPipeReaders([target]);
        out.writeOutput(target, ['x'.repeat(1 << 20)]);
        process.stdout.write('written whole\\n');
      } catch (error) {
        process.stdout.write(error.constructor.name + ': ' + error.message + '\\n');
      }
    `);
    reader.kill();
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^UsageError: cannot write .*fifo \(EPIPE\)\n$/);
  });
});

describe('stickyBlocksReplacing: what a rename in a sticky folder may replace', () => {
  const sticky = { mode: 0o41777, uid: 0 };
  const plain = { mode: 0o40777, uid: 0 };
  it("refuses another user's file in a sticky folder of a third user", () => {
    expect(stickyBlocksReplacing(sticky, { uid: 0 }, 1000)).to.equal(true);
    expect(stickyBlocksReplacing({ ...sticky, uid: 7 }, { uid: 8 }, 1000)).to.equal(true);
  });
  it('lets the file owner, the folder owner and root replace it, and anyone without the bit', () => {
    expect(stickyBlocksReplacing(sticky, { uid: 1000 }, 1000)).to.equal(false);
    expect(stickyBlocksReplacing({ ...sticky, uid: 1000 }, { uid: 0 }, 1000)).to.equal(false);
    expect(stickyBlocksReplacing(sticky, { uid: 1000 }, 0)).to.equal(false);
    expect(stickyBlocksReplacing(plain, { uid: 0 }, 1000)).to.equal(false);
  });
});
