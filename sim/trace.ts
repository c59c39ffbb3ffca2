import { formatMicros, type Micros } from './time.js';

/** Every kind of thing that happens in a run. The numeric code feeds the hash. */
export const TRACE_KINDS = [
  'deliver', // a message reached its node
  'drop', // a message arrived but its link was cut or its node had crashed meanwhile
  'loss', // the network lost a message when it was sent
  'timer', // a node's timer fired
  'crash',
  'restart',
  'link', // links changed (partition, cut, isolate, heal)
  'profile', // the network profile changed
  'persist', // a node saved state (value: raft state bytes)
  'apply', // a node applied something (value: index)
  'note', // an annotation the state machine emitted (role change, ignored call, ...)
  'client', // a scenario or workload action (start, clerk call, ...)
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];
const KIND_CODE: Readonly<Record<TraceKind, number>> = Object.fromEntries(
  TRACE_KINDS.map((kind, i) => [kind, i + 1]),
) as Record<TraceKind, number>;

/** One event as data: what the NDJSON file, golden files and the HTML timeline show. */
export interface TraceRecord {
  readonly seq: number;
  readonly t: Micros;
  readonly kind: TraceKind;
  readonly node: number;
  /** The other node of a message, or -1. */
  readonly peer: number;
  readonly value: number;
  readonly detail: string;
  /** For a message: when it was sent (observed runs only; not part of the hash). */
  readonly sentAt?: Micros;
}

/** The one formatter: a trace line, golden files and the timeline describe an event alike. */
export function formatTraceRecord(r: TraceRecord): string {
  const who = r.peer >= 0 ? `n${r.peer}->n${r.node}` : r.node >= 0 ? `n${r.node}` : '-';
  const detail = r.detail === '' ? '' : ` ${r.detail}`;
  return `#${r.seq} ${formatMicros(r.t)} ${r.kind} ${who} ${r.value}${detail}`;
}

const FNV_PRIME = 0x01000193;

/** Pass as `bytes` when the detail text is for display only and must not feed the hash. */
export const NO_BYTES = new Uint8Array(0);

/**
 * The running trace: a cheap 64-bit hash (two independent 32-bit FNV-style lanes) over every
 * event's fields, and an optional sink that receives each event as a record. Detail strings
 * are built only when someone listens (`wantsDetail`), so an unobserved run pays for the hash
 * alone; message bytes are hashed instead of their text.
 */
export class Trace {
  private h1 = 0x811c9dc5;
  private h2 = 0x2b992ddf;
  private count = 0;
  private sinks: ((record: TraceRecord) => void)[] = [];

  get events(): number {
    return this.count;
  }

  get wantsDetail(): boolean {
    return this.sinks.length > 0;
  }

  subscribe(sink: (record: TraceRecord) => void): void {
    this.sinks.push(sink);
  }

  /** The hash so far, as 16 hex digits. */
  hash(): string {
    return (
      (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0')
    );
  }

  record(
    t: Micros,
    kind: TraceKind,
    node: number,
    peer: number,
    value: number,
    detail: string,
    bytes: Uint8Array | null = null,
    sentAt = -1,
  ): void {
    this.count++;
    // kind (< 16) and both node ids (-1..4094) share one word: fewer rounds on the hot path.
    this.mix(KIND_CODE[kind] * 0x100_0000 + (node + 1) * 0x1000 + (peer + 1));
    this.mix(t % 0x1_0000_0000);
    this.mix(Math.floor(t / 0x1_0000_0000));
    this.mix(value % 0x1_0000_0000);
    // The hash covers the bytes when given, else the detail text (which is then always built).
    if (bytes !== null) this.bytes(bytes);
    else this.text(detail);
    if (this.sinks.length === 0) return;
    const record: TraceRecord =
      sentAt < 0
        ? { seq: this.count, t, kind, node, peer, value, detail }
        : { seq: this.count, t, kind, node, peer, value, detail, sentAt };
    for (const sink of this.sinks) sink(record);
  }

  /** One 32-bit word into both lanes. */
  private mix(x: number): void {
    const h2 = Math.imul(this.h2 ^ ((x | 0) + 0x7f4a7c15), 0x5bd1e995);
    this.h1 = Math.imul(this.h1 ^ (x | 0), FNV_PRIME);
    this.h2 = h2 ^ (h2 >>> 15);
  }

  /** Bytes four at a time (little-endian words), then the tail and the length. */
  private bytes(b: Uint8Array): void {
    let h1 = this.h1;
    let h2 = this.h2;
    const whole = b.length & ~3;
    let i = 0;
    for (; i < whole; i += 4) {
      const x =
        (b[i] as number) |
        ((b[i + 1] as number) << 8) |
        ((b[i + 2] as number) << 16) |
        ((b[i + 3] as number) << 24);
      h1 = Math.imul(h1 ^ x, FNV_PRIME);
      h2 = Math.imul(h2 ^ (x + 0x3c6ef372), 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    for (; i < b.length; i++) {
      const x = b[i] as number;
      h1 = Math.imul(h1 ^ x, FNV_PRIME);
      h2 = Math.imul(h2 ^ (x + 0x3c), 0x5bd1e995);
    }
    this.h1 = h1;
    this.h2 = h2 ^ (b.length << 3) ^ (h2 >>> 15);
  }

  private text(s: string): void {
    let h1 = this.h1;
    for (let i = 0; i < s.length; i++) h1 = Math.imul(h1 ^ s.charCodeAt(i), FNV_PRIME);
    this.h1 = h1;
    this.mix(s.length);
  }
}
