import { oneLine, UsageError } from './args.js';
import { BENCH_HELP, CHECK_HELP, FUZZ_HELP, MUTANTS_HELP, REPLAY_HELP, RUN_HELP } from './help.js';
import { removeTemporaries } from './atomic-file.js';
import { usageErrorExitCode } from './exit-code.js';

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

durations take a unit: 500ms, 20s, 2m; a path of - means standard input or output
exit codes: 0 ok, 1 a check failed, 2 bad usage or input, 3 no verdict (out of budget),
  4 internal error, 130 interrupted by Ctrl-C with no failure found`;

type Command = (argv: string[]) => number | Promise<number>;

/** Each command, loaded when it runs: a bad command line is answered without loading them. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  fuzz: async () => (await import('./fuzz.js')).fuzzCommand,
  run: async () => (await import('./run.js')).runCommand,
  replay: async () => (await import('./replay.js')).replayCommand,
  check: async () => (await import('./check.js')).checkCommand,
  mutants: async () => (await import('./mutants.js')).mutantsCommand,
  bench: async () => (await import('./bench.js')).benchCommand,
};

async function dispatch(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined)
    throw new UsageError(`which command? (${Object.keys(COMMANDS).join(', ')}; raftsim --help)`);
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) throw new UsageError(`unknown command "${name}" (try raftsim --help)`);
  // After `--` every argument is a name (`check -- --help` reads a file called --help).
  const flags = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(`usage: ${HELP[name] ?? name}\n(see README.md, "Using it")\n`);
    return 0;
  }
  requireWorkingFolder();
  const command = await load();
  return command(rest);
}

/** Relative paths (and the checks on every output) resolve against a folder that must exist. */
function requireWorkingFolder(): void {
  try {
    process.cwd();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`the current folder no longer exists (${code}); cd to one that does`);
  }
}

/**
 * Runs one command line and gives its exit code; never throws. Bad usage or input is one line
 * on stderr (exit 2); anything else is an internal error with its stack (exit 4).
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (error: unknown) {
    removeTemporaries();
    if (error instanceof UsageError) {
      process.stderr.write(`raftsim: ${oneLine(error.message)}\n`);
      return usageErrorExitCode();
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`raftsim: internal error: ${message}\n`);
    return 4;
  }
}
