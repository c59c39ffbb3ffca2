#!/usr/bin/env node
import { BENCH_HELP, benchCommand } from './bench.js';
import { UsageError } from './args.js';
import { CHECK_HELP, checkCommand } from './check.js';
import { FUZZ_HELP, fuzzCommand } from './fuzz.js';
import { MUTANTS_HELP, mutantsCommand } from './mutants.js';
import { REPLAY_HELP, replayCommand } from './replay.js';
import { RUN_HELP, runCommand } from './run.js';

/** Each command's one-line synopsis, for `raftsim <command> --help`. */
const HELP: Readonly<Record<string, string>> = {
  fuzz: FUZZ_HELP,
  run: RUN_HELP,
  replay: REPLAY_HELP,
  check: CHECK_HELP,
  mutants: MUTANTS_HELP,
  bench: BENCH_HELP,
};

const USAGE = `usage: raftsim <command> [options]

commands:
  ${FUZZ_HELP}
  ${RUN_HELP}
  ${REPLAY_HELP}
  ${CHECK_HELP}
  ${MUTANTS_HELP}
  ${BENCH_HELP}

exit codes: 0 ok, 1 a check failed, 2 bad usage or input, 3 no verdict (out of budget), 4 internal error`;

const COMMANDS: Readonly<Record<string, (argv: string[]) => number | Promise<number>>> = {
  fuzz: fuzzCommand,
  run: runCommand,
  replay: replayCommand,
  check: checkCommand,
  mutants: mutantsCommand,
  bench: benchCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) throw new UsageError(`unknown command "${name}" (try raftsim --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`usage: ${HELP[name] ?? name}\n(see README.md, "Using it")\n`);
    return 0;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`raftsim: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`raftsim: internal error: ${message}\n`);
    process.exitCode = 4;
  },
);
