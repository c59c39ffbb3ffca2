/**
 * Run in a child process by the memory suite (memory.ts): a campaign of the number of seeds
 * given as its argument on one worker, its memory printed as one JSON line. A process of its
 * own, so that its RSS is the campaign's, not what the suites before it left.
 */
import { campaignMemory } from './memory.js';

try {
  const memory = await campaignMemory(Number(process.argv[2]), 1);
  process.stdout.write(`${JSON.stringify(memory)}\n`);
} catch (error) {
  // One line for the bench to pass on (a seed that failed on the correct Raft, say).
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
