#!/usr/bin/env node
import { runCli } from './dispatch.js';
import { removeTemporaries } from './atomic-file.js';
import { brokenPipeExitCode, usageErrorExitCode } from './exit-code.js';

// A reader that goes away (`raftsim run --trace - | head`) is not an error of this program:
// stop quietly, with the status of a writer the shell's SIGPIPE would have ended (1 if a
// failure was kept: the report is on disk, and a script must still see it). Standard
// output that cannot be written (a full disk, /dev/full) is the place's fault: one line, exit 2
// (1 if a failure was kept before: that is what a script must still see).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  removeTemporaries();
  if (error.code === 'EPIPE') process.exit(brokenPipeExitCode());
  process.stderr.write(`raftsim: cannot write standard output (${error.code ?? error.message})\n`);
  process.exit(usageErrorExitCode());
});

// Standard error carries progress and diagnostics, never a result: one that cannot be written
// (a full disk, a reader gone) must not stop the work or change the exit code. A file or a
// terminal throws from write; a pipe reports the error as an event.
const writeDiagnostics = process.stderr.write.bind(process.stderr);
const dropDiagnostics = (() => true) as typeof process.stderr.write;
process.stderr.write = ((...args: Parameters<typeof writeDiagnostics>) => {
  try {
    return writeDiagnostics(...args);
  } catch {
    // A stream that failed once keeps every later write in memory: write nothing more.
    process.stderr.write = dropDiagnostics;
    return true;
  }
}) as typeof process.stderr.write;
process.stderr.on('error', () => {
  // dropped, as above
});

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
