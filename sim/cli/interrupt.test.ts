import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('Ctrl-C pressed twice', () => {
  const interrupt = new URL('./interrupt.js', import.meta.url).href;

  /** A process that presses Ctrl-C twice, 100 ms apart, and would otherwise run on for 5 s. */
  function pressTwice(afterFirst: string): number | null {
    const script = `
      import { Interrupt } from ${JSON.stringify(interrupt)};
      const interrupt = new Interrupt();
      ${afterFirst}
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => process.kill(process.pid, 'SIGINT'), 100);
      setTimeout(() => process.exit(0), 5_000);
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 30_000,
    });
    return result.status;
  }

  it('ends the process at once with 130 while nothing is kept', () => {
    expect(pressTwice('')).to.equal(130);
  });

  it('ends it with 1 once a failure is kept, so a script still sees the failure', () => {
    expect(pressTwice('interrupt.failureKept();')).to.equal(1);
  });

  it('takes two signals at once (timeout -s INT signals the process, then its group) as one press', () => {
    const script = `
      import { Interrupt } from ${JSON.stringify(interrupt)};
      const interrupt = new Interrupt();
      interrupt.on(() => setTimeout(() => process.exit(7), 300));
      process.kill(process.pid, 'SIGINT');
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => process.exit(0), 5_000);
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 30_000,
    });
    // 7: the first press's stop ran its course; a hard stop would have ended it with 130.
    expect(result.status).to.equal(7);
  });

  it('after the command is done, ends it with the exit code the command set, not 130', () => {
    // The command returned 1 (a failure kept), then presses come while the process winds down.
    const done = 'interrupt.dispose(); process.exitCode = 1;';
    expect(pressTwice(done)).to.equal(1);
    expect(pressTwice('interrupt.dispose(); process.exitCode = 0;')).to.equal(0);
  });
});

describe('SIGTERM and SIGHUP', () => {
  const interrupt = new URL('./interrupt.js', import.meta.url).href;
  const output = new URL('./output.js', import.meta.url).href;

  /** A process that sets itself up with `setUp`, then gets `signal` and would run on for 5 s. */
  function signalled(setUp: string, signal: string): number | null {
    const script = `
      import { Interrupt } from ${JSON.stringify(interrupt)};
      import { writeFileAtomic } from ${JSON.stringify(output)};
      ${setUp}
      process.kill(process.pid, ${JSON.stringify(signal)});
      setTimeout(() => process.exit(0), 5_000);
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 30_000,
    });
    return result.status;
  }

  it('end a long command at once, with 128 + the signal, or 1 once a failure is kept', () => {
    expect(signalled('new Interrupt();', 'SIGTERM')).to.equal(143);
    expect(signalled('new Interrupt();', 'SIGHUP')).to.equal(129);
    expect(signalled('new Interrupt().failureKept();', 'SIGTERM')).to.equal(1);
  });

  it('are held once a short command writes its output: the command ends with its own code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-term-'));
    const path = join(dir, 'out.json');
    const write = `writeFileAtomic(${JSON.stringify(path)}, ['{}']); process.exitCode = 1;`;
    expect(signalled(`${write} setTimeout(() => process.exit(), 200);`, 'SIGTERM')).to.equal(1);
    expect(readFileSync(path, 'utf8')).to.equal('{}');
    expect(readdirSync(dir)).to.deep.equal(['out.json']);
  });
});
