import { runGuided, type GuidedOutcome, type GuidedTask } from './guided.js';

/** A guided campaign's worker thread: one planned configuration per task. */
export default function runTask(task: GuidedTask): GuidedOutcome {
  return runGuided(task);
}
