#!/usr/bin/env node
import { runCli } from './dispatch.js';

// A reader that goes away (`raftsim run --trace - | head`) is not an error of this program:
// stop quietly, with the status of a writer the shell's SIGPIPE would have ended.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(141);
});

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
