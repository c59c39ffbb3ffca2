import { workerData } from 'piscina';
import runTask, { type SeedTask } from '../fuzz/worker.js';
import type { SeedOutcome } from '../fuzz/run-seed.js';

/**
 * A campaign worker for tests that dies on purpose. On a seed ending in 2 its thread exits on the
 * first attempt only (as one that ran out of memory by bad luck); on a seed ending in 4 it exits
 * on every attempt (a seed that exhausts any heap); on a seed ending in 3 it throws, every time;
 * on a seed ending in 5 it never returns (a loop in the code under test). Other seeds run as
 * usual. A re-run's worker is told so by its workerData (cli/crash.ts).
 */
export default function crashingTask(task: SeedTask): SeedOutcome {
  const rerun = (workerData as { rerun?: boolean } | undefined)?.rerun === true;
  if (task.seed % 10 === 2 && !rerun) process.exit(70);
  if (task.seed % 10 === 4) process.exit(71);
  if (task.seed % 10 === 3) throw new Error(`injected crash on seed ${task.seed}`);
  if (task.seed % 10 === 5) spinForever();
  return runTask(task);
}

function spinForever(): never {
  for (let turns = 0; ; turns++) if (turns < 0) break;
  throw new Error('unreachable');
}
