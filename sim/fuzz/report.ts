import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * Writes `<reportsDir>/<id>/` with repro.json, trace.ndjson, history.json and timeline.html.
 * Everything goes to a temporary folder first, renamed into place when complete: no
 * half-written report. Writing again under the same id replaces the folder (a shrunk failure
 * replaces its unshrunk first report).
 */
export function writeFailureReport(
  reportsDir: string,
  repro: Repro,
  id = `seed-${repro.seed}-${repro.traceHash.slice(0, 8)}`,
): string {
  const final = join(reportsDir, id);
  const temporary = join(reportsDir, `.tmp-${id}-${process.pid}`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  try {
    const traced = runTraced(repro);
    writeFileSync(join(temporary, 'repro.json'), `${JSON.stringify(repro, null, 2)}\n`);
    writeFileSync(join(temporary, 'trace.ndjson'), traceLines(traced.records));
    writeFileSync(join(temporary, 'history.json'), historyDocument(traced.result.history));
    writeFileSync(join(temporary, 'timeline.html'), renderTimeline(repro, traced));
    if (existsSync(final)) rmSync(final, { recursive: true, force: true });
    renameSync(temporary, final);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  return final;
}
