import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  RAFTSIM_FORMAT,
  RAFTSIM_FORMAT_VERSION,
  type KvInput,
  type KvOutput,
  type Operation,
} from '../check/index.js';
import type { Repro } from './repro.js';
import { writeAll } from './write-all.js';
import { renderTimeline } from '../report/timeline.js';
import { runTraced } from './traced.js';
import { TimelineFold } from '../report/timeline-data.js';

export { runTraced } from './traced.js';

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

/** The report folders this process wrote: the only ones it ever writes into again. */
const ownFolders = new Set<string>();

/**
 * The files of a report folder, the repro last: while the other three are being replaced the
 * old repro stays whole, and every file is whole at every moment (each arrives by a rename).
 */
const REPORT_FILES = ['trace.ndjson', 'history.json', 'timeline.html', 'repro.json'] as const;

/**
 * Writes `<reportsDir>/<id>/` with repro.json, trace.ndjson, history.json and timeline.html, and
 * gives the folder's path. The files are written to a temporary folder first and moved into
 * place only when complete: no half-written report. A new report never touches an existing
 * folder (one kept from an earlier campaign, perhaps better shrunk, perhaps with the user's
 * notes in it): it takes the next free name when it is complete, `seed-N-hash-2` and so on.
 * `replace` names a folder this process wrote (a failure's unshrunk first report): the new
 * files replace its four one by one, and nothing else in it is touched.
 */
export function writeFailureReport(reportsDir: string, repro: Repro, replace?: string): string {
  mkdirSync(reportsDir, { recursive: true });
  const name = `seed-${repro.seed}-${repro.traceHash.slice(0, 8)}`;
  // mkdtemp makes its folder private (0700); the report is made inside it with the usual
  // permissions (0777 less the umask), as any other output is, and it is that one that moves.
  const scratch = mkdtempSync(join(reportsDir, `.tmp-${name}-`));
  const temporary = join(scratch, name);
  try {
    mkdirSync(temporary);
    writeFileSync(join(temporary, 'repro.json'), `${JSON.stringify(repro, null, 2)}\n`);
    const timeline = new TimelineFold(repro.config.servers);
    // The trace goes to its file as the run makes it: a long run never holds it whole.
    const result = writingChunks(join(temporary, 'trace.ndjson'), (ndjson) =>
      runTraced(repro, { ndjson, timeline }),
    );
    writeFileSync(join(temporary, 'history.json'), historyDocument(result.history));
    writeFileSync(join(temporary, 'timeline.html'), renderTimeline(repro, result, timeline));
    const own = replace === undefined ? null : join(reportsDir, replace);
    const final =
      own !== null && ownFolders.has(own) && existsSync(own)
        ? moveFilesInto(temporary, own)
        : claimFreeFolder(temporary, reportsDir, name);
    ownFolders.add(final);
    return final;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Moves the report files of `from` into the folder `to`, each replacing its old version. */
function moveFilesInto(from: string, to: string): string {
  for (const file of REPORT_FILES) renameSync(join(from, file), join(to, file));
  return to;
}

/**
 * Renames the complete folder `from` to `<dir>/<name>`, or to the first of `<name>-2`, … that
 * is free at that moment. A name taken in the meantime (by another process, or by the user)
 * makes the rename fail, and the next name is tried: a folder with anything in it is never
 * replaced.
 */
function claimFreeFolder(from: string, dir: string, name: string): string {
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? name : `${name}-${n}`);
    // Any entry takes the name: a file, or a link, even one that leads nowhere.
    if (lstatSync(path, { throwIfNoEntry: false }) !== undefined) continue;
    try {
      renameSync(from, path);
      return path;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
    }
  }
}

/** Runs `make` with a writer of chunks to the file at `path`, closed when `make` is done. */
function writingChunks<T>(path: string, make: (write: (chunk: string) => void) => T): T {
  const fd = openSync(path, 'w');
  try {
    return make((chunk) => writeAll(fd, chunk));
  } finally {
    closeSync(fd);
  }
}
