import type { BootContext, Program } from '../contract.js';
import { isReply as isRaftReply } from '../messages.js';
import { describeApply as describeRaftApply, describeMessage } from '../program.js';
import type { BrokenBuild } from '../mutants.js';
import { resolveOptions, type RaftOptions } from '../options.js';
import { bootRefusal } from '../persist.js';
import { decodePanic } from '../bytes.js';
import { applyIndexOf } from '../types.js';
import { Clerk, DEFAULT_CLERK_OPTIONS, type ClerkOptions } from './clerk.js';
import { isKvMessage, kvWireCodec, type KvWire } from './codec.js';
import { isClerkReturn, KvServer, type KvApplied } from './server.js';
import { describeOp } from './types.js';

export interface KvClusterOptions {
  /** Nodes 0..servers-1 run a server; the rest run a clerk. */
  readonly servers: number;
  readonly raft?: Partial<RaftOptions>;
  /** The service snapshots once Raft's persisted state reaches this size; 0 never. */
  readonly maxRaftStateBytes?: number;
  /** How far each server's applier may run behind its Raft, in µs (raft/kv/applier.ts); 0 none. */
  readonly applierLagMicros?: number;
  readonly clerk?: Partial<ClerkOptions>;
  /** A deliberately broken build (raft/mutants.ts); null or absent for the correct one. */
  readonly mutant?: BrokenBuild | null;
}

export type KvNode = KvServer | Clerk;

/** A key/value cluster as one program: servers first, then clerks. */
export function kvProgram(options: KvClusterOptions): Program<KvWire, KvApplied, KvNode> {
  const servers = options.servers;
  if (!Number.isSafeInteger(servers) || servers < 1)
    throw new RangeError(`kvProgram: ${servers} servers`);
  const raft = resolveOptions(options.raft ?? {});
  const maxRaftStateBytes = options.maxRaftStateBytes ?? 0;
  const clerk = { ...DEFAULT_CLERK_OPTIONS, ...options.clerk };
  const mutant = options.mutant ?? null;
  const applierLagMicros = options.applierLagMicros ?? 0;
  if (!Number.isSafeInteger(applierLagMicros) || applierLagMicros < 0)
    throw new RangeError(`kvProgram: applier lag ${applierLagMicros} µs`);
  return {
    name: 'kv',
    codec: kvWireCodec,
    isReply: (m) => (isKvMessage(m) ? m.type === 'KvReply' : isRaftReply(m)),
    describe: (m) => {
      if (m.type === 'KvRequest') return `KvRequest #${m.seq} ${describeOp(m.op)}`;
      if (m.type === 'KvReply') return `KvReply #${m.seq} ${m.err} ${m.value} v${m.version}`;
      return describeMessage(m);
    },
    applyIndex: (a) => (isClerkReturn(a) ? a.seq : applyIndexOf(a)),
    describeApply: (a) =>
      isClerkReturn(a)
        ? `return #${a.seq} ${describeOp(a.op)} -> ${a.result.err} ${a.result.value} v${a.result.version}`
        : describeRaftApply(a),
    boot: (context: BootContext) =>
      context.id < servers
        ? new KvServer(context, servers, { raft, maxRaftStateBytes, mutant, applierLagMicros })
        : new Clerk(context, servers, clerk, mutant),
    bootRefusal,
    panicOf: decodePanic,
  };
}
