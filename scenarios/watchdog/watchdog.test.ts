import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

describe('the test watchdog', function () {
  this.timeout(60_000);

  it('ends a run whose test never yields, naming the test, instead of hanging', () => {
    const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
    const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
    const args = [
      '--no-config',
      '--require',
      here('./test-watchdog.js'),
      here('./never-yields.fixture.js'),
    ];
    const run = spawnSync(process.execPath, [mocha, ...args], {
      encoding: 'utf8',
      timeout: 50_000,
      env: { ...process.env, RAFTSIM_WATCHDOG_LIMIT_MS: '1000' },
    });
    expect(run.signal).to.equal('SIGKILL');
    expect(run.stderr).to.match(
      /test watchdog: "a test stuck in synchronous code never returns" has kept the main thread busy for \d+ s/,
    );
  });
});
