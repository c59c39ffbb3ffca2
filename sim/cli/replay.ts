import { readFileSync } from 'node:fs';
import { parseRepro, type Repro } from '../fuzz/repro.js';
import { runTraced, traceLines } from '../fuzz/report.js';
import { renderTimeline } from '../report/timeline.js';
import { formatMicros } from '../time.js';
import { noPositionals, parseFlags, parseWithout, UsageError } from './args.js';
import type { InvariantId } from '../monitors/view.js';
import { printJson, writeFileAtomic } from './output.js';
import { exitCodeOf } from './run.js';

export const REPLAY_HELP =
  'raftsim replay <repro.json> [--trace out.ndjson] [--html out.html] [--expect-same-trace] [--without G5,G1] [--json]';

export function readRepro(path: string): Repro {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`replay: cannot read ${path}`);
  }
  try {
    return parseRepro(text);
  } catch (error) {
    throw new UsageError(
      `replay: ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The repro with more monitors off: those it recorded and those `--without` names. */
function withMonitorsOff(repro: Repro, without: readonly InvariantId[] | undefined): Repro {
  if (without === undefined) return repro;
  const all = [...new Set([...(repro.config.without ?? []), ...without])];
  return { ...repro, config: { ...repro.config, without: all } };
}

/** `raftsim replay`: re-runs a repro exactly and exits with that run's verdict. */
export function replayCommand(argv: string[]): number {
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
  const traced = runTraced(repro);
  const result = traced.result;
  if (values.trace !== undefined) writeFileAtomic(values.trace, [traceLines(traced.records)]);
  if (values.html !== undefined) writeFileAtomic(values.html, [renderTimeline(repro, traced)]);
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
      `raftsim replay: seed ${repro.seed}, ${repro.config.servers} servers, ${repro.config.schedule.length} schedule steps`,
    ];
    if (v !== null)
      lines.push(
        `violation: ${v.invariant} at event #${v.event} (${formatMicros(v.t)}), nodes [${v.nodes.join(', ')}]: ${v.message}`,
      );
    if (result.liveness !== null) lines.push(`liveness: ${result.liveness}`);
    lines.push(
      `verdict: ${result.verdict} (recorded: ${repro.verdict})`,
      `trace-hash: ${result.traceHash} (${sameTrace ? 'same as recorded' : `recorded ${repro.traceHash}: DIFFERENT`})`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (values['expect-same-trace'] === true && !sameTrace) return 1;
  return exitCodeOf(result.verdict);
}
