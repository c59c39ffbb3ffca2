import { workerData } from 'piscina';
import type { GuidedOutcome, GuidedTask } from '../fuzz/guided.js';
import runTask from '../fuzz/guided-worker.js';

/**
 * A guided campaign's worker for tests that dies on purpose: on a seed ending in 2 its thread
 * exits on the first attempt (as one out of memory by bad luck); a re-run, told so by its
 * workerData (cli/crash.ts), goes as usual, and so do other runs.
 */
export default function crashingGuidedTask(task: GuidedTask): GuidedOutcome {
  const rerun = (workerData as { rerun?: boolean } | undefined)?.rerun === true;
  if (task.seed % 10 === 2 && !rerun) process.exit(70);
  return runTask(task);
}
