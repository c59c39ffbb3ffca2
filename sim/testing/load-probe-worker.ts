import { createRequire } from 'node:module';
import { workerData } from 'piscina';

/** What a pool's worker thread reports of how it loads ES modules, for worker-pool.test.ts. */
export interface LoadProbe {
  /** The error code require() of an ES module throws here; null if it loads. */
  readonly requireEsmError: string | null;
  readonly workerData: unknown;
}

export default function probeLoading(): LoadProbe {
  const require = createRequire(import.meta.url);
  try {
    require('./toy.js');
    return { requireEsmError: null, workerData };
  } catch (error) {
    return { requireEsmError: (error as { code?: string }).code ?? String(error), workerData };
  }
}
