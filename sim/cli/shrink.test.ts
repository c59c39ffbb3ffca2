import { expect } from 'chai';
import { seconds } from '../time.js';
import { shrinkSeed } from './shrink.js';

describe('shrinkSeed', function () {
  this.timeout(60_000);
  const options = { mode: 'schedule' as const, servers: 3, safetyMicros: seconds(1), shrink: true };

  it('a shrink worker that dies is a crash of shrinking, never taken for Ctrl-C', async () => {
    const workerFile = new URL('../testing/exiting-shrink-worker.js', import.meta.url);
    const outcome = await shrinkSeed(1, options, { limitSeconds: 5, workerFile }).then(
      () => 'settled',
      (error: Error) => error.message,
    );
    expect(outcome).to.equal('the shrink worker exited with code 70 before it finished');
  });

  it('a shrink stuck in a candidate past its bound is stopped, as a crash of shrinking', async () => {
    const workerFile = new URL('../testing/spinning-shrink-worker.js', import.meta.url);
    const control = { limitSeconds: 0.2, runTimeoutMillis: 300, workerFile };
    const outcome = await shrinkSeed(1, options, control).then(
      () => 'settled',
      (error: Error) => error.message,
    );
    expect(outcome).to.equal('hung: no result 0.5 s after shrinking started, its worker stopped');
  });

  it('an abandoned shrink (Ctrl-C) settles with no outcome, not as a crash', async () => {
    const result = await shrinkSeed(
      1,
      { ...options, mutant: 'Z02' },
      {
        limitSeconds: 30,
        onStart: (abandon) => setTimeout(abandon, 10),
      },
    );
    expect(result.outcome).to.equal(null);
    expect(result.error).to.equal(undefined);
  });
});
