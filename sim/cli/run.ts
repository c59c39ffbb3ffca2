import { describeFault } from '../nemesis.js';
import { PROFILE_NAMES, profileByName, unreliable, type NetworkProfile } from '../profiles.js';
import { Streams } from '../random.js';
import { runKv, type KvRunConfig, type KvRunResult } from '../run/kv-run.js';
import { drawFaults } from '../run/random-faults.js';
import { formatMicros, seconds } from '../time.js';
import { formatTraceRecord, type TraceRecord } from '../trace.js';
import {
  noPositionals,
  parseCount,
  parseFlags,
  parseMutant,
  parseSeed,
  parseTime,
  parseWithout,
  UsageError,
} from './args.js';
import { historyDocument } from '../fuzz/report.js';
import { printJson, writeFileAtomic } from './output.js';

export const RUN_HELP =
  'raftsim run --seed N [--nodes 5] [--clerks 3] [--time 20s] [--profile unreliable] [--mutant Z10] [--without G5,G1] [--trace out.ndjson] [--history out.json] [--json]';

/** Exit code of a run's verdict (DESIGN §6). */
export function exitCodeOf(verdict: KvRunResult['verdict']): number {
  return verdict === 'ok' ? 0 : verdict === 'unknown' ? 3 : 1;
}

/** What `raftsim run --seed N` runs (the golden hashes of the correct Raft pin some). */
export function runSeedConfig(
  seed: number,
  servers = 5,
  clerks = 3,
  safetyMicros = seconds(20),
  profile: NetworkProfile = unreliable,
): KvRunConfig {
  return {
    seed,
    servers,
    profile,
    faults: drawFaults(new Streams(seed).get('faults'), servers, safetyMicros),
    safetyMicros,
    workload: { clerks },
    maxRaftStateBytes: 4096,
  };
}

/** `raftsim run`: one simulation of the key/value service on Raft, checked, with its trace hash. */
export function runCommand(argv: string[]): number {
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
    json: { type: 'boolean' },
  });
  noPositionals('run', positionals);
  if (values.seed === undefined) throw new UsageError(`run: --seed is required (${RUN_HELP})`);
  const seed = parseSeed(values.seed, 1);
  const servers = parseCount('nodes', values.nodes, 5, 1, 15);
  const clerks = parseCount('clerks', values.clerks, 3, 1, 100);
  const safetyMicros = parseTime('time', values.time, seconds(20));
  const profile = profileByName(values.profile ?? 'unreliable');
  if (profile === undefined) {
    throw new UsageError(
      `--profile must be one of ${PROFILE_NAMES.join(', ')}, got "${values.profile}"`,
    );
  }
  const mutant = parseMutant(values.mutant);
  const without = parseWithout(values.without);
  const config = runSeedConfig(seed, servers, clerks, safetyMicros, profile);
  const faults = config.faults;
  const records: TraceRecord[] = [];
  const tracePath = values.trace;
  const result = runKv({
    ...config,
    mutant: mutant ?? null,
    ...(without === undefined ? {} : { without }),
    ...(tracePath === undefined ? {} : { onTrace: (r: TraceRecord) => records.push(r) }),
  });
  if (tracePath !== undefined) {
    writeFileAtomic(
      tracePath,
      records.map((r) => `${JSON.stringify({ ...r, text: formatTraceRecord(r) })}\n`),
    );
  }
  if (values.history !== undefined)
    writeFileAtomic(values.history, [historyDocument(result.history)]);
  if (values.json === true) {
    printJson({
      seed,
      verdict: result.verdict,
      traceHash: result.traceHash,
      virtualMicros: result.virtualMicros,
      events: result.events,
      nodes: servers,
      clerks,
      profile: profile.name,
      faults,
      violation: result.violation,
      liveness: result.liveness,
      operations: result.history.length,
      committed: result.committed,
      linearizability: result.linearizability?.verdict ?? null,
    });
    return exitCodeOf(result.verdict);
  }
  const lines = [
    `raftsim run: seed ${seed}, ${servers} servers, ${clerks} clerks, ${profile.name} network, ${formatMicros(safetyMicros)} of faults`,
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
  process.stdout.write(`${lines.join('\n')}\n`);
  return exitCodeOf(result.verdict);
}
