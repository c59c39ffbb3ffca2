import type { GuidedOutcome, GuidedTask } from '../fuzz/guided.js';
import runTask from '../fuzz/guided-worker.js';

/**
 * A guided campaign's worker for tests whose thread exits on every attempt at a seed ending in
 * 7, as one that exhausts any heap; other runs go as usual.
 */
export default function doomedGuidedTask(task: GuidedTask): GuidedOutcome {
  if (task.seed % 10 === 7) process.exit(71);
  return runTask(task);
}
