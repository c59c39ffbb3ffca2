import { REPLAY_HELP } from './help.js';
import { parseRepro, type Repro } from '../fuzz/repro.js';
import { runTraced } from '../fuzz/report.js';
import { formatMicros } from '../time.js';
import type { InvariantId } from '../monitors/view.js';
import { noPositionals, parseFlags, parseWithout, UsageError } from './args.js';
import { FormatError } from '../format/kit.js';
import {
  awaitPipeReaders,
  checkDistinctOutputs,
  checkOutput,
  printJson,
  summaryStream,
  writeOutput,
} from './output.js';
import { exitCodeOf } from './run.js';
import { readInputFile } from './input.js';
import { runProgressLine } from './run-progress.js';
import { runStreamed } from './streamed-run.js';

export function readRepro(path: string): Repro {
  const text = readInputFile('replay', path);
  try {
    return parseRepro(text);
  } catch (error) {
    if (error instanceof FormatError) throw new UsageError(`replay: ${path}: ${error.message}`);
    throw error;
  }
}

/** The repro with more monitors off: those it recorded and those `--without` names. */
function withMonitorsOff(repro: Repro, without: readonly InvariantId[] | undefined): Repro {
  if (without === undefined) return repro;
  const all = [...new Set([...(repro.config.without ?? []), ...without])];
  return { ...repro, config: { ...repro.config, without: all } };
}

/** How the run's trace hash compares with the recorded one (a hand-written repro has none). */
function traceComparison(recorded: string, same: boolean): string {
  if (same) return 'same as recorded';
  return recorded === '' ? 'none recorded' : `recorded ${recorded}: DIFFERENT`;
}

/** `raftsim replay`: re-runs a repro exactly and exits with that run's verdict. */
export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('replay', argv, {
    trace: { type: 'string' },
    html: { type: 'string' },
    'expect-same-trace': { type: 'boolean' },
    without: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [path, ...rest] = positionals;
  if (path === undefined) throw new UsageError(`replay: which repro? (${REPLAY_HELP})`);
  noPositionals('replay', rest);
  const repro = withMonitorsOff(readRepro(path), parseWithout(values.without));
  const trace = values.trace === undefined ? null : checkOutput('trace', values.trace);
  const html = values.html === undefined ? null : checkOutput('html', values.html);
  checkDistinctOutputs(values.json === true, { trace, html }, { what: 'the repro', path });
  const line = runProgressLine(
    `replay seed ${repro.seed}`,
    repro.config.safetyMicros,
    values.json === true,
  );
  let result;
  let page: string | null = null;
  try {
    if (trace === null && html === null) result = runTraced(repro, {}, line.onProgress);
    else {
      const job = { kind: 'replay' as const, repro, timeline: html !== null };
      ({ result, html: page } = await runStreamed(job, trace, line.onProgress));
    }
  } finally {
    line.done();
  }
  if (html !== null) {
    await awaitPipeReaders([html]);
    writeOutput(html, [page ?? '']);
  }
  const sameTrace = result.traceHash === repro.traceHash;
  if (values.json === true) {
    printJson({
      verdict: result.verdict,
      traceHash: result.traceHash,
      recordedTraceHash: repro.traceHash,
      sameTrace,
      violation: result.violation,
      liveness: result.liveness,
      seed: repro.seed,
    });
  } else {
    const v = result.violation;
    const lines = [
      `raftsim replay: seed ${repro.seed}, ${repro.config.servers} servers, ${repro.config.schedule.length} schedule steps${repro.config.minorityTrial === true ? ', minority trial' : ''}`,
    ];
    if (v !== null)
      lines.push(
        `violation: ${v.invariant} at event #${v.event} (${formatMicros(v.t)}), nodes [${v.nodes.join(', ')}]: ${v.message}`,
      );
    if (result.liveness !== null) lines.push(`liveness: ${result.liveness}`);
    lines.push(
      `verdict: ${result.verdict} (${repro.verdict === undefined ? 'none recorded' : `recorded: ${repro.verdict}`})`,
      `trace-hash: ${result.traceHash} (${traceComparison(repro.traceHash, sameTrace)})`,
    );
    summaryStream([trace, html]).write(`${lines.join('\n')}\n`);
  }
  if (values['expect-same-trace'] === true && !sameTrace) return 1;
  return exitCodeOf(result.verdict);
}
