import { expect } from 'chai';
import type { LoadProbe } from '../testing/load-probe-worker.js';
import { openWorkerPool } from './worker-pool.js';

const probe = new URL('../testing/load-probe-worker.js', import.meta.url);

describe('worker pool', () => {
  it('loads its task file through import(), with require() of ES modules off in the workers', async () => {
    const pool = openWorkerPool<null, LoadProbe>(probe, 1);
    try {
      const report = await pool.run(null);
      expect(report.requireEsmError).to.equal('ERR_REQUIRE_ESM');
      expect(report.workerData).to.equal(undefined);
    } finally {
      await pool.destroy();
    }
  });

  it('hands its workers the data it was given', async () => {
    const pool = openWorkerPool<null, LoadProbe>(probe, 1, { rerun: true });
    try {
      expect((await pool.run(null)).workerData).to.deep.equal({ rerun: true });
    } finally {
      await pool.destroy();
    }
  });
});
