import { describeFault } from '../nemesis.js';
import { PROFILE_NAMES, profileByName } from '../profiles.js';
import { runToy } from '../testing/toy-run.js';
import { formatMicros, seconds } from '../time.js';
import { formatTraceRecord, type TraceRecord } from '../trace.js';
import { noPositionals, parseCount, parseFlags, parseSeed, parseTime, UsageError } from './args.js';
import { printJson, writeFileAtomic } from './output.js';

export const RUN_HELP = `raftsim run --seed N [--nodes 5] [--time 10s] [--profile reliable] [--trace out.ndjson] [--json]`;

/** `raftsim run`: one simulation, a summary and its trace hash. */
export function runCommand(argv: string[]): number {
  const { values, positionals } = parseFlags('run', argv, {
    seed: { type: 'string' },
    nodes: { type: 'string' },
    time: { type: 'string' },
    profile: { type: 'string' },
    trace: { type: 'string' },
    json: { type: 'boolean' },
  });
  noPositionals('run', positionals);
  if (values.seed === undefined) throw new UsageError(`run: --seed is required (${RUN_HELP})`);
  const seed = parseSeed(values.seed, 1);
  const nodes = parseCount('nodes', values.nodes, 5, 1, 99);
  const durationMicros = parseTime('time', values.time, seconds(10));
  const profile = profileByName(values.profile ?? 'reliable');
  if (profile === undefined) {
    throw new UsageError(
      `--profile must be one of ${PROFILE_NAMES.join(', ')}, got "${values.profile}"`,
    );
  }
  const records: TraceRecord[] = [];
  const tracePath = values.trace;
  const result = runToy({
    seed,
    nodes,
    durationMicros,
    profile,
    ...(tracePath === undefined ? {} : { onTrace: (r: TraceRecord) => records.push(r) }),
  });
  if (tracePath !== undefined) {
    writeFileAtomic(
      tracePath,
      records.map((r) => `${JSON.stringify({ ...r, text: formatTraceRecord(r) })}\n`),
    );
  }
  if (values.json === true) {
    printJson({
      seed,
      verdict: 'ok',
      traceHash: result.traceHash,
      virtualMicros: result.virtualMicros,
      events: result.events,
      program: 'toy',
      nodes,
      profile: profile.name,
      requestsDelivered: result.requestsDelivered,
      messagesSent: result.messagesSent,
      messagesLost: result.messagesLost,
      bytes: result.bytes,
      faults: result.faults,
    });
    return 0;
  }
  const lines = [
    `raftsim run: seed ${seed}, ${nodes} nodes of the toy program, ${profile.name} network`,
    `faults: ${result.faults.map((f) => `${formatMicros(f.at)} ${describeFault(f.step)}`).join('; ')}`,
    `virtual time ${formatMicros(result.virtualMicros)}, ${result.events} events, ` +
      `${result.messagesSent} messages (${result.messagesLost} lost), ${result.bytes} bytes`,
    'verdict: ok',
    `trace-hash: ${result.traceHash}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
