import { ByteReader, DecodeError, scratchWriter } from '../bytes.js';
import type { KvCommand, KvEntry, KvOp, KvResult } from './types.js';

const SNAPSHOT_FORMAT = 1;
/**
 * One writer for every snapshot (encoding is synchronous; finish() hands out a copy): its buffer
 * grows to the table's size once, not again on every snapshot.
 */
const snapshotWriter = scratchWriter();
const RESULT_ERRS: readonly KvResult['err'][] = ['OK', 'ErrNoKey', 'ErrVersion', 'ErrMaybe'];

/** The last command a clerk got applied, and what it returned. */
interface ClerkLast {
  readonly seq: number;
  readonly result: KvResult;
}

/**
 * The service's state machine: the key table, the index of the last command applied to it, and
 * each clerk's last applied request. The sequential semantics of kv-service.md live here.
 *
 * The per-clerk record makes a request that reaches the log twice (the network duplicated it, or
 * the clerk resent it to the same leader) execute once: the second copy returns the first one's
 * result. Without it, a duplicated put would answer ErrVersion to a clerk whose put took effect,
 * and a duplicated append would add its text twice. The record is part of the replicated state:
 * every server builds it from the log, and every snapshot carries it.
 */
export class KvTable {
  private readonly entries = new Map<string, KvEntry>();
  private readonly lastByClerk = new Map<number, ClerkLast>();
  // invariant: appliedIndex only grows, by one per command or by a jump to a newer snapshot.
  appliedIndex = 0;

  get size(): number {
    return this.entries.size;
  }

  read(key: string): KvEntry | undefined {
    return this.entries.get(key);
  }

  /** The number of the last call of `clerk` applied, if any (for checkers). */
  lastSeqOf(clerk: number): number | undefined {
    return this.lastByClerk.get(clerk)?.seq;
  }

  /** How many clerks have a call applied (for checkers). */
  get clerks(): number {
    return this.lastByClerk.size;
  }

  /** True when `command` was applied before (or is older than its clerk's last): a no-op. */
  isDuplicate(command: KvCommand): boolean {
    const last = this.lastByClerk.get(command.clerk);
    return last !== undefined && command.seq <= last.seq;
  }

  /** Applies one command, once per (clerk, seq); the result is what the clerk is told. */
  apply(command: KvCommand): KvResult {
    const last = this.lastByClerk.get(command.clerk);
    if (last !== undefined && command.seq === last.seq) return last.result;
    // An older request of a clerk that has moved on: nobody waits for it, it changes nothing.
    if (last !== undefined && command.seq < last.seq)
      return { err: 'ErrVersion', value: '', version: 0 };
    const result = this.execute(command.op);
    this.lastByClerk.set(command.clerk, { seq: command.seq, result });
    return result;
  }

  /** Applies one operation; the result is what a clerk's caller is told. */
  execute(op: KvOp): KvResult {
    const current = this.entries.get(op.key);
    if (op.kind === 'get') {
      if (current === undefined) return { err: 'ErrNoKey', value: '', version: 0 };
      return { err: 'OK', value: current.value, version: current.version };
    }
    const version = current?.version ?? 0;
    if (op.kind === 'append') {
      this.entries.set(op.key, { value: (current?.value ?? '') + op.value, version: version + 1 });
      return { err: 'OK', value: '', version: version + 1 };
    }
    if (op.version === version) {
      this.entries.set(op.key, { value: op.value, version: version + 1 });
      return { err: 'OK', value: '', version: version + 1 };
    }
    if (current === undefined) return { err: 'ErrNoKey', value: '', version: 0 };
    return { err: 'ErrVersion', value: '', version };
  }

  /** The snapshot: format, applied index, then every key in sorted order (stable bytes). */
  encode(): Uint8Array {
    const out = snapshotWriter();
    out.byte(SNAPSHOT_FORMAT);
    out.varint(this.appliedIndex);
    const keys = [...this.entries.keys()].sort();
    out.varint(keys.length);
    for (const key of keys) {
      const entry = this.entries.get(key) as KvEntry;
      out.text(key);
      out.text(entry.value);
      out.varint(entry.version);
    }
    const clerks = [...this.lastByClerk.keys()].sort((a, b) => a - b);
    out.varint(clerks.length);
    for (const clerk of clerks) {
      const last = this.lastByClerk.get(clerk) as ClerkLast;
      out.varint(clerk);
      out.varint(last.seq);
      out.byte(RESULT_ERRS.indexOf(last.result.err));
      out.text(last.result.value);
      out.varint(last.result.version);
    }
    return out.finish();
  }

  /**
   * The index a snapshot's table was applied through, read from its header alone: 0 for no
   * snapshot, null for bytes that are not a table's.
   */
  static appliedIndexOf(bytes: Uint8Array): number | null {
    if (bytes.length === 0) return 0;
    try {
      const input = new ByteReader(bytes);
      if (input.byte('kv snapshot format') !== SNAPSHOT_FORMAT) return null;
      return input.varint('applied index');
    } catch (error) {
      if (error instanceof DecodeError) return null;
      throw error;
    }
  }

  static decode(bytes: Uint8Array): KvTable {
    const input = new ByteReader(bytes);
    const format = input.byte('kv snapshot format');
    if (format !== SNAPSHOT_FORMAT) throw new DecodeError(`kv snapshot format ${format} unknown`);
    const table = new KvTable();
    table.appliedIndex = input.varint('applied index');
    const count = input.varint('key count');
    for (let i = 0; i < count; i++) {
      const key = input.text('key');
      const value = input.text('value');
      table.entries.set(key, { value, version: input.varint('version') });
    }
    const clerks = input.varint('clerk count');
    for (let i = 0; i < clerks; i++) {
      const clerk = input.varint('clerk');
      const seq = input.varint('seq');
      const err = RESULT_ERRS[input.byte('err')];
      if (err === undefined) throw new DecodeError('kv snapshot: unknown err');
      const value = input.text('result value');
      table.lastByClerk.set(clerk, {
        seq,
        result: { err, value, version: input.varint('result version') },
      });
    }
    input.end('kv snapshot');
    return table;
  }
}
