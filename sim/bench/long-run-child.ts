/**
 * Run in a child process by the memory suite (memory.ts): one long run of the number of
 * commands given as its argument, printed as one JSON line. A process of its own, so that its
 * RSS is the run's alone.
 */
import { longRunMemory } from './long-run.js';

process.stdout.write(`${JSON.stringify(longRunMemory(Number(process.argv[2])))}\n`);
