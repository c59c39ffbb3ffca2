import { RUN_HELP } from './help.js';
import { describeFault, type TimedFault } from '../nemesis.js';
import { PROFILE_NAMES, profileByName, type NetworkProfile } from '../profiles.js';
import { runKv, type KvRunResult } from '../run/kv-run.js';
import { MAX_CLERKS } from '../fuzz/repro-schema.js';
import { formatMicros, MAX_VIRTUAL_MICROS, seconds, type Micros } from '../time.js';
import {
  noPositionals,
  parseCount,
  parseFlags,
  parseMutant,
  parseSeed,
  parseServers,
  parseTime,
  parseWithout,
  UsageError,
} from './args.js';
import { historyDocument } from '../fuzz/report.js';
import {
  awaitPipeReaders,
  checkDistinctOutputs,
  checkOutput,
  printJson,
  summaryStream,
  writeOutput,
  type OutputTarget,
} from './output.js';
import type { MutantId } from '../../raft/mutants.js';
import { runProgressLine } from './run-progress.js';
import { runCommandConfig, type RunJob } from './run-config.js';
import { runStreamed } from './streamed-run.js';

export { runSeedConfig } from './run-config.js';
import type { InvariantId } from '../monitors/view.js';

/** Exit code of a run's verdict (the exit-code table of the README). */
export function exitCodeOf(verdict: KvRunResult['verdict']): number {
  return verdict === 'ok' ? 0 : verdict === 'unknown' ? 3 : 1;
}

interface RunOptions {
  readonly seed: number;
  readonly servers: number;
  readonly clerks: number;
  readonly safetyMicros: Micros;
  readonly profile: NetworkProfile;
  readonly mutant: MutantId | undefined;
  readonly without: InvariantId[] | undefined;
  readonly trace: OutputTarget | null;
  readonly history: OutputTarget | null;
  readonly json: boolean;
  /** A minority trial before the liveness phase (KvRunConfig.minorityTrial). */
  readonly minorityTrial: boolean;
}

function parseRunOptions(argv: string[]): RunOptions {
  const { values, positionals } = parseFlags('run', argv, {
    seed: { type: 'string' },
    nodes: { type: 'string' },
    clerks: { type: 'string' },
    time: { type: 'string' },
    profile: { type: 'string' },
    trace: { type: 'string' },
    history: { type: 'string' },
    mutant: { type: 'string' },
    without: { type: 'string' },
    'minority-trial': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  noPositionals('run', positionals);
  if (values.seed === undefined) throw new UsageError(`run: --seed is required (${RUN_HELP})`);
  const profile = profileByName(values.profile ?? 'unreliable');
  if (profile === undefined) {
    throw new UsageError(
      `--profile must be one of ${PROFILE_NAMES.join(', ')}, got "${values.profile}"`,
    );
  }
  const options = {
    seed: parseSeed(values.seed, 1),
    servers: parseServers(values.nodes, 5),
    clerks: parseCount('clerks', values.clerks, 3, 1, MAX_CLERKS),
    safetyMicros: parseTime('time', values.time, seconds(20), [MAX_VIRTUAL_MICROS, '10m']),
    profile,
    mutant: parseMutant(values.mutant),
    without: parseWithout(values.without),
    json: values.json === true,
    minorityTrial: values['minority-trial'] === true,
  };
  // Outputs last: checked (not written) only once every flag is known good.
  const outputs = {
    trace: values.trace === undefined ? null : checkOutput('trace', values.trace),
    history: values.history === undefined ? null : checkOutput('history', values.history),
  };
  checkDistinctOutputs(options.json, outputs);
  return { ...options, ...outputs };
}

/** `raftsim run`: one simulation of the key/value service on Raft, checked, with its trace hash. */
export async function runCommand(argv: string[]): Promise<number> {
  const options = parseRunOptions(argv);
  const { seed, servers, clerks, safetyMicros, mutant, without, minorityTrial } = options;
  const job: RunJob = {
    ...{ seed, servers, clerks, safetyMicros, mutant, without, minorityTrial },
    profile: options.profile.name,
  };
  const config = runCommandConfig(job);
  const line = runProgressLine(`run seed ${options.seed}`, options.safetyMicros, options.json);
  let result;
  try {
    result =
      options.trace === null
        ? runKv({
            ...config,
            ...(line.onProgress === undefined ? {} : { onProgress: line.onProgress }),
          })
        : (await runStreamed({ kind: 'run', ...job }, options.trace, line.onProgress)).result;
  } finally {
    line.done();
  }
  await awaitPipeReaders([options.history]);
  if (options.history !== null) writeOutput(options.history, [historyDocument(result.history)]);
  if (options.json) printJson(runReport(options, config.faults, result));
  else
    summaryStream([options.trace, options.history]).write(
      humanRunReport(options, config.faults, result),
    );
  return exitCodeOf(result.verdict);
}

function runReport(options: RunOptions, faults: readonly TimedFault[], result: KvRunResult) {
  return {
    seed: options.seed,
    verdict: result.verdict,
    traceHash: result.traceHash,
    virtualMicros: result.virtualMicros,
    events: result.events,
    nodes: options.servers,
    clerks: options.clerks,
    profile: options.profile.name,
    faults,
    violation: result.violation,
    liveness: result.liveness,
    operations: result.history.length,
    committed: result.committed,
    linearizability: result.linearizability?.verdict ?? null,
  };
}

function humanRunReport(
  options: RunOptions,
  faults: readonly TimedFault[],
  result: KvRunResult,
): string {
  const lines = [
    `raftsim run: seed ${options.seed}, ${options.servers} servers, ${options.clerks} clerks, ${options.profile.name} network, ${formatMicros(options.safetyMicros)} of faults`,
    `faults: ${faults.map((f) => `${formatMicros(f.at)} ${describeFault(f.step)}`).join('; ') || 'none'}`,
    `virtual time ${formatMicros(result.virtualMicros)}, ${result.events} events, ` +
      `${result.history.length} client operations, ${result.committed} entries committed`,
  ];
  if (result.violation !== null) {
    const v = result.violation;
    lines.push(
      `violation: ${v.invariant} at event #${v.event} (${formatMicros(v.t)}), nodes [${v.nodes.join(', ')}]: ${v.message}`,
    );
  }
  if (result.liveness !== null) lines.push(`liveness: ${result.liveness}`);
  lines.push(`verdict: ${result.verdict}`, `trace-hash: ${result.traceHash}`);
  return `${lines.join('\n')}\n`;
}
