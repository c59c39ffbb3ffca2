import type { GuidedOutcome, GuidedTask } from '../fuzz/guided.js';
import runTask from '../fuzz/guided-worker.js';

/**
 * A guided campaign's worker for tests that dies on purpose: on a seed ending in 2 its thread
 * exits (as one killed by running out of memory does); other runs go as usual.
 */
export default function crashingGuidedTask(task: GuidedTask): GuidedOutcome {
  if (task.seed % 10 === 2) process.exit(70);
  return runTask(task);
}
