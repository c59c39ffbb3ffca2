import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import {
  RAFTSIM_FORMAT,
  RAFTSIM_FORMAT_VERSION,
  type KvInput,
  type KvOutput,
  type Operation,
} from '../check/index.js';
import type { Repro } from './repro.js';
import { renderTimeline } from '../report/timeline.js';
import { runTraced, traceLines } from './traced.js';

export { runTraced, traceLines, type TracedRun } from './traced.js';

/** A run's client history in this project's format, for `raftsim check`. */
export function historyDocument(history: readonly Operation<KvInput, KvOutput>[]): string {
  const document = {
    format: RAFTSIM_FORMAT,
    version: RAFTSIM_FORMAT_VERSION,
    model: 'kv',
    operations: history,
  };
  return `${JSON.stringify(document)}\n`;
}

/** The report folders this process wrote: the only ones it ever replaces. */
const ownFolders = new Set<string>();

/** The files a report folder holds; anything else in it is the user's and stays. */
const REPORT_FILES = ['repro.json', 'trace.ndjson', 'history.json', 'timeline.html'];

/**
 * Writes `<reportsDir>/<id>/` with repro.json, trace.ndjson, history.json and timeline.html, and
 * gives the folder's path. Everything goes to a temporary folder first, renamed into place when
 * complete: no half-written report. A new report never touches an existing folder (one kept
 * from an earlier campaign, perhaps better shrunk, perhaps with the user's notes in it): it takes
 * the next free name, `seed-N-hash-2` and so on. `replace` names a folder this process wrote
 * (a failure's unshrunk first report): the new files replace its four, and any other file the
 * user put there meanwhile is kept.
 */
export function writeFailureReport(reportsDir: string, repro: Repro, replace?: string): string {
  const own = replace === undefined ? null : join(reportsDir, replace);
  const final =
    own !== null && ownFolders.has(own)
      ? own
      : freeFolder(reportsDir, `seed-${repro.seed}-${repro.traceHash.slice(0, 8)}`);
  const temporary = join(reportsDir, `.tmp-${basename(final)}-${process.pid}`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    const traced = runTraced(repro);
    writeFileSync(join(temporary, 'repro.json'), `${JSON.stringify(repro, null, 2)}\n`);
    writeChunks(join(temporary, 'trace.ndjson'), traceLines(traced.records));
    writeFileSync(join(temporary, 'history.json'), historyDocument(traced.result.history));
    writeFileSync(join(temporary, 'timeline.html'), renderTimeline(repro, traced));
    if (existsSync(final)) swapIn(temporary, final);
    else renameSync(temporary, final);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  ownFolders.add(final);
  return final;
}

/** `<dir>/<name>`, or the first of `<name>-2`, `<name>-3`, … that does not exist yet. */
function freeFolder(dir: string, name: string): string {
  let path = join(dir, name);
  for (let n = 2; existsSync(path); n++) path = join(dir, `${name}-${n}`);
  return path;
}

/**
 * Puts the complete folder `fresh` in the place of `old`, one of ours: the user's files move
 * from old to fresh first, then the two swap by renames, then the old report files go.
 */
function swapIn(fresh: string, old: string): void {
  for (const entry of readdirSync(old)) {
    if (!REPORT_FILES.includes(entry)) renameSync(join(old, entry), join(fresh, entry));
  }
  const aside = `${fresh}-old`;
  renameSync(old, aside);
  renameSync(fresh, old);
  rmSync(aside, { recursive: true, force: true });
}

function writeChunks(path: string, chunks: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
