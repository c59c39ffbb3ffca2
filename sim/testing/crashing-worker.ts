import { workerData } from 'piscina';
import runTask, { type SeedTask } from '../fuzz/worker.js';
import type { SeedOutcome } from '../fuzz/run-seed.js';

/**
 * A campaign worker for tests that dies on purpose. On a seed ending in 2 its thread exits on the
 * first attempt only (as one that ran out of memory by bad luck); on a seed ending in 4 it exits
 * on every attempt (a seed that exhausts any heap); on a seed ending in 3 it throws, every time;
 * on a seed ending in 5 it never returns (a loop in the code under test); on a seed ending in 8
 * it fails after 1.5 s of work; on a seed ending in 9 it exits on the first attempt and never
 * returns from the re-run. Other seeds run as usual. A re-run's worker is told so by its workerData (cli/crash.ts).
 */
export default function crashingTask(task: SeedTask): SeedOutcome {
  const rerun = (workerData as { rerun?: boolean } | undefined)?.rerun === true;
  if (task.seed % 10 === 2 && !rerun) process.exit(70);
  if (task.seed % 10 === 4) process.exit(71);
  if (task.seed % 10 === 3) throw new Error(`injected crash on seed ${task.seed}`);
  if (task.seed % 10 === 5) spinForever();
  if (task.seed % 10 === 8) return slowFailure(task);
  if (task.seed % 10 === 9) return rerun ? spinForever() : process.exit(72);
  return runTask(task);
}

function spinForever(): never {
  for (let turns = 0; ; turns++) if (turns < 0) break;
  throw new Error('unreachable');
}

/** A failing outcome after 1.5 s of work: the campaign looks only at its seed and failure. */
function slowFailure(task: SeedTask): SeedOutcome {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_500); // 1.5 s of "work"
  const outcome = runTask(task);
  const summary = { ...outcome.summary, verdict: 'violation' as const };
  const fastCheck = { seed: task.seed, path: '', shrinks: 0 };
  return { ...outcome, failure: { config: outcome.config, summary, fastCheck, trimmedSteps: 0 } };
}
