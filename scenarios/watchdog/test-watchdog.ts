import { Worker } from 'node:worker_threads';

/**
 * A mocha root hook (`.mocharc.json` requires it) that ends a test run stuck in synchronous
 * code. Mocha's timeout cannot interrupt a test that never yields, such as a Raft bug looping
 * inside one handler: the run would hang with no summary, and CI with it. The main thread sends
 * a heartbeat every second from its event loop; a watchdog thread, told which test is running,
 * names it on stderr and kills the process once no heartbeat has come for the limit. The run
 * then fails (CI counts it as one failure) instead of hanging. A test that yields, however long
 * it takes, is left to mocha's own timeout.
 */
const DEFAULT_LIMIT_MS = 120_000;
const HEARTBEAT_MS = 1_000;

/** RAFTSIM_WATCHDOG_LIMIT_MS shortens the limit for the watchdog's own test. */
function limitMs(): number {
  const value = Number(process.env['RAFTSIM_WATCHDOG_LIMIT_MS']);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_LIMIT_MS;
}

/** The watchdog thread: the running test's title, and when the main thread last turned. */
const WATCHDOG_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
let title = null;
let lastBeat = Date.now();
parentPort.on('message', (message) => {
  lastBeat = Date.now();
  if (message !== 'beat') title = message.title;
});
setInterval(() => {
  const still = Date.now() - lastBeat;
  if (title === null || still < workerData.limitMs) return;
  writeSync(2, '\\ntest watchdog: "' + title + '" has kept the main thread busy for ' +
    Math.round(still / 1000) + ' s without a turn of its event loop: it never yields, so the run ends here\\n');
  process.kill(process.pid, 'SIGKILL');
}, Math.min(1000, workerData.limitMs / 4)).unref();
`;

let watchdog: Worker | null = null;

function tell(message: 'beat' | { title: string | null }): void {
  if (watchdog === null) {
    watchdog = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { limitMs: limitMs() } });
    watchdog.unref(); // never what keeps the run alive
    setInterval(() => watchdog?.postMessage('beat'), HEARTBEAT_MS).unref();
  }
  watchdog.postMessage(message);
}

interface HookContext {
  readonly currentTest?: { fullTitle(): string };
}

export const mochaHooks = {
  beforeEach(this: HookContext): void {
    tell({ title: this.currentTest?.fullTitle() ?? null });
  },
  afterEach(): void {
    tell({ title: null });
  },
};
