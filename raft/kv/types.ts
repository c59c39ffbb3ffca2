/**
 * The replicated key/value service of docs/spec/kv-service.md: versioned puts, gets through
 * the log, and a clerk that retries. Every name here is the service's vocabulary.
 */

/** A definite or ambiguous answer to a clerk's caller. */
export type KvErr = 'OK' | 'ErrNoKey' | 'ErrVersion' | 'ErrMaybe';
/** What a server may answer on the wire: also "I am not the leader (any more)". */
export type KvWireErr = KvErr | 'ErrWrongLeader';

export type KvOp =
  | { readonly kind: 'get'; readonly key: string }
  /** Installs value only if version equals the key's current version (0 for a missing key). */
  | {
      readonly kind: 'put';
      readonly key: string;
      readonly value: string;
      readonly version: number;
    }
  /** Adds value to the end of the key's value (a missing key starts at ''); version + 1. */
  | { readonly kind: 'append'; readonly key: string; readonly value: string };

/**
 * What a call returned: for get, the value and version read; for put and append, `err` (and the
 * version the write installed, which the workload uses for its next put).
 */
export interface KvResult {
  readonly err: KvErr;
  readonly value: string;
  readonly version: number;
}

/** A log command: the operation and who asked, so the server can tell its own entry apart. */
export interface KvCommand {
  readonly clerk: number;
  readonly seq: number;
  readonly op: KvOp;
}

export interface KvRequest {
  readonly type: 'KvRequest';
  readonly seq: number;
  readonly op: KvOp;
}

export interface KvReply {
  readonly type: 'KvReply';
  readonly seq: number;
  readonly err: KvWireErr;
  readonly value: string;
  readonly version: number;
}

export type KvMessage = KvRequest | KvReply;

/** A clerk's answer to its caller, emitted as an `apply` effect so the simulator records it. */
export interface ClerkReturn {
  readonly kind: 'clerk-return';
  readonly clerk: number;
  readonly seq: number;
  readonly op: KvOp;
  readonly result: KvResult;
}

/** One key's state; a missing key is { value: '', version: 0 }. */
export interface KvEntry {
  readonly value: string;
  readonly version: number;
}

export function describeOp(op: KvOp): string {
  switch (op.kind) {
    case 'get':
      return `get(${op.key})`;
    case 'put':
      return `put(${op.key}, ${op.value}, v${op.version})`;
    case 'append':
      return `append(${op.key}, ${op.value})`;
  }
}
