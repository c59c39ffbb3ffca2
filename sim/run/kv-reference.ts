import type { KvServer } from '../../raft/kv/server.js';
import type { KvCommand } from '../../raft/kv/types.js';
import type { KvInput, KvOutput, Operation } from '../check/index.js';
import type { Violation } from '../monitors/view.js';
import type { Micros } from '../time.js';

/** What one execution of a call answered, by the semantics written here. */
export interface ReferenceOutcome {
  readonly err: 'OK' | 'ErrNoKey' | 'ErrVersion';
  /** The key's version after the call. */
  readonly version: number;
  /** What a get read (the key's value, '' when missing); '' for a write. */
  readonly value: string;
}

/**
 * The key/value service's sequential semantics (kv-service.md), written apart from the service's
 * own table (raft/kv/table.ts) so that the checks that replay the applied log do not inherit a
 * bug of the code they judge: each clerk's calls execute at most once, in seq order (a copy of a
 * call already executed, or of an older one, changes nothing); a put installs its value when its
 * version is the key's (0 for a missing key); an append always does.
 */
export class KvReference {
  private readonly keys = new Map<string, { readonly value: string; readonly version: number }>();
  private readonly lastSeq = new Map<number, number>();

  /** Executes one applied command; true if it wrote (the key's version went up by one). */
  apply(command: KvCommand): boolean {
    const outcome = this.execute(command);
    return outcome !== null && command.op.kind !== 'get' && outcome.err === 'OK';
  }

  /**
   * Executes one applied command and says what its one execution answered (its error, the
   * version it leaves the key at, and for a get the value it read), or null for a copy of a call
   * already executed.
   */
  execute(command: KvCommand): ReferenceOutcome | null {
    const last = this.lastSeq.get(command.clerk);
    if (last !== undefined && command.seq <= last) return null;
    this.lastSeq.set(command.clerk, command.seq);
    const { op } = command;
    const current = this.keys.get(op.key);
    const version = current === undefined ? 0 : current.version;
    if (op.kind === 'get') {
      return {
        err: current === undefined ? 'ErrNoKey' : 'OK',
        version,
        value: current?.value ?? '',
      };
    }
    if (op.kind === 'put' && op.version !== version) {
      return { err: current === undefined ? 'ErrNoKey' : 'ErrVersion', version, value: '' };
    }
    const value = op.kind === 'append' ? (current?.value ?? '') + op.value : op.value;
    this.keys.set(op.key, { value, version: version + 1 });
    return { err: 'OK', version: version + 1, value: '' };
  }

  /**
   * How the service's table differs from this state (its keys, values and versions, and each
   * clerk's last call applied), or null when it is the same.
   */
  differenceFrom(table: KvServer['state']): string | null {
    for (const [key, want] of this.keys) {
      const got = table.read(key);
      if (got === undefined)
        return `key ${key} is missing (the replay has version ${want.version})`;
      if (got.version !== want.version || got.value !== want.value) {
        return (
          `key ${key} holds version ${got.version} (${got.value.length} characters), ` +
          `the replay version ${want.version} (${want.value.length} characters)`
        );
      }
    }
    if (table.size !== this.keys.size)
      return `it holds ${table.size} keys, the replay ${this.keys.size}`;
    // The duplicate record: each clerk's last call applied, as a snapshot must carry it.
    for (const [clerk, seq] of this.lastSeq) {
      const got = table.lastSeqOf(clerk);
      if (got !== seq)
        return `its last call of clerk ${clerk} is ${got ?? 'none'}, the replay's ${seq}`;
    }
    if (table.clerks !== this.lastSeq.size)
      return `it records calls of ${table.clerks} clerks, the replay of ${this.lastSeq.size}`;
    return null;
  }
}

interface RunEnd {
  readonly t: Micros;
  readonly event: number;
}

/**
 * DUR, a cheap pre-check before linearizability, in one replay of the applied log with the
 * reference:
 * - every put or append the service acknowledged with OK took effect exactly once, and no put
 *   it refused took effect (values are unique per call, so a value names its call; the empty
 *   value of a blank put names none, and the answer check judges those puts by their call);
 * - each of `servers` (the live ones, at a clean end; none otherwise) holds the table the
 *   reference makes of the log through its applied index. Convergence compares the servers
 *   with each other; this catches a fault they all share (a wrong duplicate rule, a wrong put)
 *   and a table restored from a snapshot that lost something.
 * A lost or refused write is reported before a table that differs.
 */
export function replayChecks(
  history: readonly Operation<KvInput, KvOutput>[],
  log: readonly (KvCommand | undefined)[],
  servers: readonly KvServer[],
  end: RunEnd,
): Violation | null {
  const reference = new KvReference();
  const effective = new Map<string, number>();
  const tables = new TableJudge(servers, reference, end);
  tables.judgeThrough(0);
  for (let index = 1; index < log.length; index++) {
    // An index nobody applied as a command ends the replay (none in practice: a node that
    // applies through a snapshot got it from one that applied every command).
    const command = log[index];
    if (command === undefined) break;
    if (reference.apply(command) && command.op.kind !== 'get' && command.op.value !== BLANK) {
      const value = command.op.value;
      effective.set(value, (effective.get(value) ?? 0) + 1);
    }
    tables.judgeThrough(index);
  }
  return lostWrite(history, effective, end) ?? tables.first;
}

/** Compares each server with the replay as the replay passes the server's applied index. */
class TableJudge {
  private readonly order: readonly KvServer[];
  private next = 0;
  /** The first server found to differ. */
  first: Violation | null = null;

  constructor(
    servers: readonly KvServer[],
    private readonly reference: KvReference,
    private readonly end: RunEnd,
  ) {
    this.order = [...servers].sort((a, b) => a.appliedIndex - b.appliedIndex);
  }

  /** The replay stands at `index`: judge the servers that applied through it. */
  judgeThrough(index: number): void {
    for (; this.next < this.order.length; this.next++) {
      const server = this.order[this.next] as KvServer;
      if (server.appliedIndex > index) return;
      const difference = this.first === null ? this.reference.differenceFrom(server.state) : null;
      if (difference === null) continue;
      this.first = durability(
        this.end,
        `node ${server.raft.id} applied through ${server.appliedIndex}, but its table is not ` +
          `the log's replay: ${difference}`,
        [server.raft.id],
      );
    }
  }
}

/** The value of a blank put, shared by every such put: it names no call. */
const BLANK = '';

/** A write the client history says was acknowledged or refused, against how often it took effect. */
function lostWrite(
  history: readonly Operation<KvInput, KvOutput>[],
  effective: ReadonlyMap<string, number>,
  end: RunEnd,
): Violation | null {
  for (const op of history) {
    if (op.input.op === 'get' || op.output === null || op.input.value === BLANK) continue;
    const times = effective.get(op.input.value) ?? 0;
    if (op.output.err === 'OK' && times !== 1) {
      return durability(
        end,
        `${op.input.op} ${op.input.value} acknowledged but took effect ${times} times`,
      );
    }
    if ((op.output.err === 'ErrVersion' || op.output.err === 'ErrNoKey') && times !== 0) {
      return durability(end, `put ${op.input.value} refused (${op.output.err}) but took effect`);
    }
  }
  return null;
}

function durability(end: RunEnd, message: string, nodes: number[] = []): Violation {
  return { invariant: 'DUR', t: end.t, event: end.event, nodes, message };
}
