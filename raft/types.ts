import { fail } from './assert.js';

/**
 * Units and ids get their own types so that a term can never be passed where a log index is
 * expected. The brands exist only for the compiler; at run time they are plain numbers.
 */
export type Term = number & { readonly __brand: 'Term' };
export type LogIndex = number & { readonly __brand: 'LogIndex' };
export type NodeId = number & { readonly __brand: 'NodeId' };

function checkCount(kind: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0))
    fail(`${kind} must be an integer >= 0, got ${value}`);
}

export function term(value: number): Term {
  checkCount('term', value);
  return value as Term;
}

export function logIndex(value: number): LogIndex {
  checkCount('log index', value);
  return value as LogIndex;
}

export function nodeId(value: number): NodeId {
  checkCount('node id', value);
  return value as NodeId;
}

/** One log entry. The command is opaque: the service above Raft encodes and decodes it. */
export interface Entry {
  readonly term: Term;
  /** Never mutated once in the log: it is shared with apply effects and encoded messages. */
  readonly command: Uint8Array;
}

/**
 * What a node hands its service, one per `apply` effect, in strictly increasing index order.
 * The lab's ApplyMsg with camelCase names; exactly one of the two flags is true.
 */
export type ApplyMsg = CommandApply | SnapshotApply;

export interface CommandApply {
  readonly commandValid: true;
  readonly command: Uint8Array;
  readonly commandIndex: LogIndex;
  readonly commandTerm: Term;
  readonly snapshotValid: false;
}

export interface SnapshotApply {
  readonly commandValid: false;
  readonly snapshotValid: true;
  readonly snapshot: Uint8Array;
  readonly snapshotTerm: Term;
  readonly snapshotIndex: LogIndex;
}

/** The index an apply stands for: the command's index, or the snapshot's last included index. */
export function applyIndexOf(message: ApplyMsg): LogIndex {
  return message.commandValid ? message.commandIndex : message.snapshotIndex;
}
