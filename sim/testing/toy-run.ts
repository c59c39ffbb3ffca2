import type { TimedFault } from '../nemesis.js';
import type { NetworkProfile } from '../profiles.js';
import type { RandomStream } from '../random.js';
import type { Micros } from '../time.js';
import type { TraceRecord } from '../trace.js';
import { World } from '../world.js';
import { toyProgram, type ToyOptions } from './toy.js';

export interface ToyRunConfig extends ToyOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly durationMicros: Micros;
  readonly profile: NetworkProfile;
  /** Faults to apply; by default a few drawn from the run's `faults` stream. */
  readonly faults?: readonly TimedFault[];
  readonly onTrace?: (record: TraceRecord) => void;
}

export interface ToyRunResult {
  readonly traceHash: string;
  readonly events: number;
  readonly traceEvents: number;
  readonly virtualMicros: Micros;
  readonly requestsDelivered: number;
  readonly messagesSent: number;
  readonly messagesLost: number;
  readonly bytes: number;
  readonly faults: readonly TimedFault[];
}

/** A handful of faults spread over the run: partitions, crashes and restarts, then a heal. */
export function drawToyFaults(random: RandomStream, nodes: number, duration: Micros): TimedFault[] {
  const faults: TimedFault[] = [];
  const count = random.int(1, 4);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(((i + random.int(0, 900) / 1000) * duration) / (count + 1));
    const node = random.int(0, nodes - 1);
    const kind = random.pick(['isolate', 'crash', 'cut'] as const);
    if (kind === 'isolate') faults.push({ at, step: { kind, node } });
    else if (kind === 'cut')
      faults.push({ at, step: { kind, from: node, to: (node + 1) % nodes } });
    else {
      faults.push({ at, step: { kind, node } });
      faults.push({ at: at + random.int(1000, 500_000), step: { kind: 'restart', node } });
    }
  }
  faults.push({ at: Math.floor((duration * 9) / 10), step: { kind: 'heal' } });
  for (let node = 0; node < nodes; node++) {
    faults.push({ at: Math.floor((duration * 9) / 10), step: { kind: 'restart', node } });
  }
  return faults;
}

/**
 * One run of the toy cluster: the engine's own fixture, behind its determinism tests, its golden
 * trace hashes and the engine benchmark.
 */
export function runToy(config: ToyRunConfig): ToyRunResult {
  const world = new World({
    nodes: config.nodes,
    seed: config.seed,
    profile: config.profile,
    program: toyProgram(config),
  });
  if (config.onTrace !== undefined) world.trace.subscribe(config.onTrace);
  const faults =
    config.faults ??
    drawToyFaults(world.streams.get('faults'), config.nodes, config.durationMicros);
  world.scheduleFaults(faults);
  world.start();
  world.scheduler.runUntilTime(config.durationMicros);
  const network = world.network;
  return {
    traceHash: world.trace.hash(),
    events: world.scheduler.eventsExecuted,
    traceEvents: world.trace.events,
    virtualMicros: world.scheduler.now,
    requestsDelivered: network.requestsDelivered.reduce((a, b) => a + b, 0),
    messagesSent: network.messagesSent,
    messagesLost: network.messagesLost,
    bytes: network.requestBytes + network.replyBytes,
    faults,
  };
}
