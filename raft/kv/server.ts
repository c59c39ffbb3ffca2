import type { BootContext, Effect, Instance } from '../contract.js';
import type { RaftEffect } from '../core.js';
import { RaftNode } from '../node.js';
import type { BrokenBuild } from '../mutants.js';
import type { RaftOptions } from '../options.js';
import type { ApplyMsg } from '../types.js';
import { APPLIER_TIMER, LaggingApplier } from './applier.js';
import { decodeCommand, encodeCommand, isKvMessage, type KvWire } from './codec.js';
import { KvTable } from './table.js';
import type { ClerkReturn, KvCommand, KvReply, KvRequest, KvResult } from './types.js';

/** What the simulator sees applied on a key/value cluster: Raft's applies and clerks' returns. */
export type KvApplied = ApplyMsg | ClerkReturn;
export type KvEffect = Effect<KvWire, KvApplied>;

export function isClerkReturn(applied: KvApplied): applied is ClerkReturn {
  return 'kind' in applied;
}

export interface KvServerOptions {
  readonly raft: Partial<RaftOptions>;
  /** Snapshot once the persisted Raft state reaches this many bytes; 0 never snapshots. */
  readonly maxRaftStateBytes: number;
  /** A deliberately broken build (raft/mutants.ts), or null. */
  readonly mutant: BrokenBuild | null;
  /**
   * How far the service's applier may run behind Raft (raft/kv/applier.ts), in µs; 0 applies
   * each entry inside the step that commits it.
   */
  readonly applierLagMicros?: number;
}

/** A request waiting for its log entry: who asked, to answer once that index is applied. */
interface Pending {
  readonly clerk: number;
  readonly seq: number;
}

/**
 * One key/value server: a Raft node plus the table it feeds. Every operation, reads included,
 * goes through the log; the server answers a clerk only once the entry at the index where it
 * started the operation is applied, and only if that entry is the clerk's (else: wrong leader).
 */
export class KvServer implements Instance<KvWire, KvApplied> {
  readonly raft: RaftNode;
  private table: KvTable;
  private readonly pending = new Map<number, Pending>();
  private raftStateBytes: number;
  /** Null when the service applies inside Raft's step. */
  private readonly applier: LaggingApplier | null;

  constructor(
    context: BootContext,
    readonly servers: number,
    private readonly options: KvServerOptions,
  ) {
    this.raft = new RaftNode({ ...context, nodes: servers }, options.raft, options.mutant);
    // Restore before the first apply: Raft resumes right after its snapshot's index.
    this.table = context.snapshot.length > 0 ? KvTable.decode(context.snapshot) : new KvTable();
    this.raftStateBytes = context.raftState.length;
    const lag = options.applierLagMicros ?? 0;
    this.applier = lag > 0 ? new LaggingApplier(context.seed, lag) : null;
  }

  get appliedIndex(): number {
    return this.table.appliedIndex;
  }

  /** The log indexes of the calls waiting for their entry to apply, for checkers. */
  get waitingIndexes(): readonly number[] {
    return [...this.pending.keys()];
  }

  /** The service's state, for checkers (read-only use). */
  get state(): KvTable {
    return this.table;
  }

  start(): readonly KvEffect[] {
    return this.settle(this.raft.start());
  }

  timer(name: string): readonly KvEffect[] {
    if (name === APPLIER_TIMER && this.applier !== null) return this.applyWaiting(this.applier);
    return this.settle(this.raft.timer(name));
  }

  /** The lagging applier's turn: the service applies everything Raft handed over meanwhile. */
  private applyWaiting(applier: LaggingApplier): KvEffect[] {
    const out: KvEffect[] = [];
    for (const message of applier.takeAll()) this.applyOne(message, out);
    this.snapshotIfFull(out);
    return out;
  }

  message(from: number, message: KvWire): readonly KvEffect[] {
    if (!isKvMessage(message)) return this.settle(this.raft.message(from, message));
    if (message.type === 'KvRequest') return this.handleRequest(from, message);
    return [{ kind: 'note', text: `stray KvReply from ${from} dropped` }];
  }

  private handleRequest(clerk: number, request: KvRequest): readonly KvEffect[] {
    // mutant Z20: a get is answered from the table by a server that only believes it leads.
    if (this.options.mutant === 'Z20' && request.op.kind === 'get' && this.raft.role === 'leader') {
      const result = this.table.execute(request.op);
      return [reply(clerk, request.seq, result.err, result)];
    }
    const proposed = this.raft.propose(encodeCommand({ clerk, seq: request.seq, op: request.op }));
    if (!proposed.isLeader) {
      const effects = this.settle(proposed.effects);
      return [...effects, reply(clerk, request.seq, 'ErrWrongLeader', null)];
    }
    this.pending.set(proposed.index, { clerk, seq: request.seq });
    return this.settle(proposed.effects);
  }

  /**
   * Passes Raft's effects on, consuming its applies: each runs on the table (at once, or when
   * the lagging applier takes it) and answers the clerk that waits for that index. Snapshots
   * once the Raft state is over its budget.
   */
  private settle(raftEffects: readonly RaftEffect[]): KvEffect[] {
    const out: KvEffect[] = [];
    this.forward(raftEffects, out);
    this.snapshotIfFull(out);
    return out;
  }

  /**
   * Hands Raft a snapshot of what the service has applied once the Raft state is over its
   * budget. Under a lagging applier that can be less than Raft has committed, or than a
   * snapshot Raft installed and the service has not taken yet: then it waits.
   */
  private snapshotIfFull(out: KvEffect[]): void {
    const max = this.options.maxRaftStateBytes;
    if (max === 0 || this.raftStateBytes < max) return;
    // build S06: the snapshot is labelled with Raft's commit index, whatever the table holds.
    const index = this.options.mutant === 'S06' ? this.raft.commitIndex : this.table.appliedIndex;
    if (index > this.raft.snapshotIndex)
      this.forward(this.raft.snapshot(index, this.table.encode()), out);
  }

  /** Passes effects on, noting the size of each save and running each apply on the table. */
  private forward(raftEffects: readonly RaftEffect[], out: KvEffect[]): void {
    for (const effect of raftEffects) {
      // build S10: the size of each save goes unnoted, so the state never looks over budget.
      if (effect.kind === 'persist' && this.options.mutant !== 'S10')
        this.raftStateBytes = effect.raftState.length;
      out.push(effect);
      if (effect.kind !== 'apply') continue;
      if (this.applier === null) {
        this.applyOne(effect.message, out);
        continue;
      }
      const arm = this.applier.hold<KvWire, KvApplied>(effect.message);
      if (arm !== null) out.push(arm);
    }
  }

  private applyOne(message: ApplyMsg, out: KvEffect[]): void {
    if (message.snapshotValid) {
      // A snapshot never moves the service backwards.
      if (message.snapshotIndex <= this.table.appliedIndex) return;
      this.table = KvTable.decode(message.snapshot);
      for (const index of [...this.pending.keys()])
        if (index <= message.snapshotIndex) this.pending.delete(index);
      return;
    }
    const index = message.commandIndex;
    if (index <= this.table.appliedIndex) return; // already in the restored snapshot
    const command = decodeCommand(message.command);
    const result = this.answerOf(command, this.table.apply(command));
    this.table.appliedIndex = index;
    const waiting = this.pending.get(index);
    if (waiting === undefined) return;
    // build S11: the answered call is left in the table.
    if (this.options.mutant !== 'S11') this.pending.delete(index);
    const ours = waiting.clerk === command.clerk && waiting.seq === command.seq;
    out.push(
      ours
        ? reply(waiting.clerk, waiting.seq, result.err, result)
        : reply(waiting.clerk, waiting.seq, 'ErrWrongLeader', null),
    );
  }

  /** What the clerk is told of a command's execution. */
  private answerOf(command: KvCommand, result: KvResult): KvResult {
    // build S12: a key that holds '' is taken for a missing one (the value's truth is tested).
    const blank = command.op.kind === 'get' && result.err === 'OK' && result.value === '';
    if (this.options.mutant === 'S12' && blank) return { err: 'ErrNoKey', value: '', version: 0 };
    return result;
  }
}

function reply(clerk: number, seq: number, err: KvReply['err'], result: KvResult | null): KvEffect {
  const message: KvReply = {
    type: 'KvReply',
    seq,
    err,
    value: result?.value ?? '',
    version: result?.version ?? 0,
  };
  return { kind: 'send', to: clerk, message };
}
