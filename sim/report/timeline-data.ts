import { describeOperation } from '../check/index.js';
import type { Violation } from '../monitors/view.js';
import type { KvRunResult } from '../run/kv-run.js';
import { formatTraceRecord, type TraceRecord } from '../trace.js';
import type { Micros } from '../time.js';
import { kvModel, type KvInput, type KvOutput, type Operation } from '../check/index.js';

/** What the timeline page draws, computed here so the page's script stays small. */
export interface TimelineData {
  readonly title: string;
  readonly servers: number;
  readonly clerks: number;
  readonly endMicros: Micros;
  readonly roles: { node: number; from: Micros; to: Micros; role: string; term: number }[];
  readonly down: { node: number; from: Micros; to: Micros }[];
  readonly bands: { from: Micros; to: Micros; text: string }[];
  readonly messages: {
    from: number;
    to: number;
    sent: Micros;
    at: Micros;
    text: string;
    dropped: boolean;
  }[];
  readonly ops: {
    client: number;
    call: Micros;
    ret: Micros | null;
    text: string;
    result: string;
  }[];
  readonly violation: (Violation & { text: string }) | null;
  readonly linearization: LinearizationView | null;
}

export interface LinearizationView {
  readonly partition: string;
  readonly state: string;
  /** The stuck operation's index in `ops` (and in the history: `stuckOp`), or null. */
  readonly stuckRow: number | null;
  readonly stuckOp: number | null;
  /**
   * What "go to violation" shows: the stuck operation and the operations on its key that
   * overlap it in time (the ones a linearization must order it against).
   */
  readonly focus: { readonly from: Micros; readonly to: Micros } | null;
  readonly ops: {
    client: number;
    call: Micros;
    ret: Micros | null;
    text: string;
    order: number | null;
    stuck: boolean;
  }[];
}

/** At most this many messages are embedded (the busiest runs would make pages too heavy). */
const MAX_MESSAGES = 60_000;
const ROLE_NOTE = /^(leader|follower|candidate) term (\d+)/;

/** Records kept for the violation's line: it is the run's last event or close to it. */
const LAST_RECORDS = 4096;

/**
 * The timeline built record by record, as the run makes them: a run of any length keeps its
 * roles, outages, fault bands and first messages, never its whole trace.
 */
export class TimelineFold {
  private readonly roles: TimelineData['roles'] = [];
  private readonly openRole = new Map<number, { from: Micros; role: string; term: number }>();
  private readonly down: TimelineData['down'] = [];
  private readonly downSince = new Map<number, Micros>();
  private readonly bands: TimelineData['bands'] = [];
  private band: { from: Micros; text: string } | null = null;
  private readonly messages: TimelineData['messages'] = [];
  /** The last LAST_RECORDS records, a ring indexed by seq. */
  private readonly last: (TraceRecord | undefined)[] = new Array<TraceRecord | undefined>(
    LAST_RECORDS,
  );

  constructor(private readonly servers: number) {}

  add(r: TraceRecord): void {
    this.last[r.seq % LAST_RECORDS] = r;
    if (r.kind === 'note' && r.node < this.servers) {
      const match = ROLE_NOTE.exec(r.detail);
      if (match === null) return;
      this.closeRole(r.node, r.t);
      this.openRole.set(r.node, { from: r.t, role: match[1] as string, term: Number(match[2]) });
    } else if (r.kind === 'crash') {
      this.closeRole(r.node, r.t);
      this.downSince.set(r.node, r.t);
    } else if (r.kind === 'restart') {
      this.down.push({ node: r.node, from: this.downSince.get(r.node) ?? 0, to: r.t });
      this.downSince.delete(r.node);
    } else if (r.kind === 'link' || r.kind === 'profile') {
      if (this.band !== null) this.bands.push({ ...this.band, to: r.t });
      this.band = /^heal|^connect|^reliable$/.test(r.detail) ? null : { from: r.t, text: r.detail };
    } else if ((r.kind === 'deliver' || r.kind === 'drop') && this.messages.length < MAX_MESSAGES) {
      this.messages.push({
        from: r.peer,
        to: r.node,
        sent: r.sentAt ?? r.t,
        at: r.t,
        text: r.detail,
        dropped: r.kind === 'drop',
      });
    }
  }

  /** The page's data, once the run is over. */
  data(title: string, result: KvRunResult): TimelineData {
    const endMicros = result.virtualMicros;
    for (const node of [...this.openRole.keys()]) this.closeRole(node, endMicros);
    for (const [node, from] of this.downSince) this.down.push({ node, from, to: endMicros });
    this.downSince.clear();
    if (this.band !== null) this.bands.push({ ...this.band, to: endMicros });
    this.band = null;
    return {
      title,
      servers: this.servers,
      clerks: new Set(result.history.map((op) => op.client)).size,
      endMicros,
      roles: this.roles,
      down: this.down,
      bands: this.bands,
      messages: this.messages,
      ops: result.history.map((op) => ({
        client: op.client,
        call: op.call,
        ret: op.return,
        text: kvModel.describeOp(op.input, op.output),
        result: op.output === null ? 'open' : op.output.err,
      })),
      violation: this.violationView(result.violation),
      linearization: linearizationView(result),
    };
  }

  private closeRole(node: number, t: Micros): void {
    const open = this.openRole.get(node);
    if (open !== undefined && t > open.from) this.roles.push({ node, to: t, ...open });
    this.openRole.delete(node);
  }

  private violationView(violation: Violation | null) {
    if (violation === null) return null;
    const event = this.last[violation.event % LAST_RECORDS];
    const found = event !== undefined && event.seq === violation.event ? event : undefined;
    return { ...violation, text: found === undefined ? '' : formatTraceRecord(found) };
  }
}

function linearizationView(result: KvRunResult): LinearizationView | null {
  const failure = result.linearizability?.failure;
  if (failure === undefined || failure === null) return null;
  const history: readonly Operation<KvInput, KvOutput>[] = result.history;
  const order = new Map(failure.linearized.map((index, k) => [index, k + 1]));
  const parsed = { model: 'kv' as const, operations: history };
  const stuckRow = failure.stuck === null ? -1 : failure.operations.indexOf(failure.stuck);
  return {
    partition: failure.partition,
    state: failure.state,
    stuckRow: stuckRow < 0 ? null : stuckRow,
    stuckOp: failure.stuck,
    focus: focusOf(failure.stuck, failure.operations, history, result.virtualMicros),
    ops: failure.operations.map((index) => {
      const op = history[index] as Operation<KvInput, KvOutput>;
      return {
        client: op.client,
        call: op.call,
        ret: op.return,
        text: describeOperation(parsed, index),
        order: order.get(index) ?? null,
        stuck: failure.stuck === index,
      };
    }),
  };
}

/** The stuck operation's span, widened to every operation on its key that overlaps it. */
function focusOf(
  stuck: number | null,
  operations: readonly number[],
  history: readonly Operation<KvInput, KvOutput>[],
  end: Micros,
): { from: Micros; to: Micros } | null {
  const op = stuck === null ? undefined : history[stuck];
  if (op === undefined) return null;
  // An operation still open at the end has no end to show: its call marks it.
  const until = (o: Operation<KvInput, KvOutput>) => o.return ?? o.call;
  let from = op.call;
  let to = op.return ?? Math.min(end, op.call + 1_000_000);
  for (const index of operations) {
    const other = history[index] as Operation<KvInput, KvOutput>;
    if (other.call <= to && until(other) >= op.call) {
      from = Math.min(from, other.call);
      to = Math.max(to, until(other));
    }
  }
  return { from, to };
}
