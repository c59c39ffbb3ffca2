import { ByteReader, ByteWriter, DecodeError } from '../bytes.js';
import type { KvEntry, KvOp, KvResult } from './types.js';

const SNAPSHOT_FORMAT = 1;
const text = new TextEncoder();
const untext = new TextDecoder();

/**
 * The service's state machine: the key table and the index of the last command applied to it.
 * The sequential semantics of kv-service.md live here and nowhere else.
 */
export class KvTable {
  private readonly entries = new Map<string, KvEntry>();
  // invariant: appliedIndex only grows, by one per command or by a jump to a newer snapshot.
  appliedIndex = 0;

  get size(): number {
    return this.entries.size;
  }

  read(key: string): KvEntry | undefined {
    return this.entries.get(key);
  }

  /** Applies one operation; the result is what a clerk's caller is told. */
  execute(op: KvOp): KvResult {
    const current = this.entries.get(op.key);
    if (op.kind === 'get') {
      if (current === undefined) return { err: 'ErrNoKey', value: '', version: 0 };
      return { err: 'OK', value: current.value, version: current.version };
    }
    const version = current?.version ?? 0;
    if (op.version === version) {
      this.entries.set(op.key, { value: op.value, version: version + 1 });
      return { err: 'OK', value: '', version: version + 1 };
    }
    if (current === undefined) return { err: 'ErrNoKey', value: '', version: 0 };
    return { err: 'ErrVersion', value: '', version };
  }

  /** The snapshot: format, applied index, then every key in sorted order (stable bytes). */
  encode(): Uint8Array {
    const out = new ByteWriter(64 + this.entries.size * 16);
    out.byte(SNAPSHOT_FORMAT);
    out.varint(this.appliedIndex);
    const keys = [...this.entries.keys()].sort();
    out.varint(keys.length);
    for (const key of keys) {
      const entry = this.entries.get(key) as KvEntry;
      out.bytes(text.encode(key));
      out.bytes(text.encode(entry.value));
      out.varint(entry.version);
    }
    return out.finish();
  }

  static decode(bytes: Uint8Array): KvTable {
    const input = new ByteReader(bytes);
    const format = input.byte('kv snapshot format');
    if (format !== SNAPSHOT_FORMAT) throw new DecodeError(`kv snapshot format ${format} unknown`);
    const table = new KvTable();
    table.appliedIndex = input.varint('applied index');
    const count = input.varint('key count');
    for (let i = 0; i < count; i++) {
      const key = untext.decode(input.bytes('key'));
      const value = untext.decode(input.bytes('value'));
      table.entries.set(key, { value, version: input.varint('version') });
    }
    input.end('kv snapshot');
    return table;
  }
}
