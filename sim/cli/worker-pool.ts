import { Piscina } from 'piscina';

/**
 * Piscina loads a task file with require() and falls back to import() when that fails. On Node
 * 20.19 and later, require() of an ES module is on by default, and that path has a race in a
 * fresh worker thread that once aborted a whole test process with a V8 fatal error (a module
 * asked whether its graph is async before it was instantiated). With require(esm) off in the
 * workers, the require fails at once (ERR_REQUIRE_ESM) and every task file loads through import().
 */
const WORKER_EXEC_ARGV: readonly string[] = [
  ...process.execArgv,
  '--no-experimental-require-module',
];

/** A pool of exactly `threads` worker threads running the task file `workerFile`. */
export function openWorkerPool<T, R>(
  workerFile: URL,
  threads: number,
  workerData?: unknown,
): Piscina<T, R> {
  return new Piscina<T, R>({
    filename: workerFile.href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: [...WORKER_EXEC_ARGV],
    ...(workerData === undefined ? {} : { workerData }),
  });
}
