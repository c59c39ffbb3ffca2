import { unreachable } from './assert.js';
import { raftCodec } from './codec.js';
import type { BootContext, Program } from './contract.js';
import { type RaftMessage, isReply } from './messages.js';
import type { BrokenBuild } from './mutants.js';
import { RaftNode } from './node.js';
import { bootRefusal } from './persist.js';
import { decodePanic } from './bytes.js';
import { type RaftOptions, resolveOptions } from './options.js';
import { type ApplyMsg, applyIndexOf } from './types.js';

/** The Raft core as a program the simulator can run: one RaftNode per boot. */
export function raftProgram(
  options: Partial<RaftOptions> = {},
  mutant: BrokenBuild | null = null,
): Program<RaftMessage, ApplyMsg, RaftNode> {
  const resolved = resolveOptions(options); // fail at once on a bad option, not at first boot
  return {
    name: 'raft',
    codec: raftCodec,
    isReply,
    describe: describeMessage,
    applyIndex: applyIndexOf,
    describeApply,
    boot: (context: BootContext) => new RaftNode(context, resolved, mutant),
    bootRefusal,
    panicOf: decodePanic,
  };
}

/** One short line per message for traces, e.g. `AppendEntries t3 prev=4/2 n=2 commit=5`. */
export function describeMessage(message: RaftMessage): string {
  const head = `${message.type} t${message.term}`;
  switch (message.type) {
    case 'RequestVote':
      return `${head} last=${message.lastLogIndex}/${message.lastLogTerm}`;
    case 'RequestVoteReply':
      return `${head} ${message.voteGranted ? 'granted' : 'refused'}`;
    case 'AppendEntries':
      return (
        `${head} prev=${message.prevLogIndex}/${message.prevLogTerm} ` +
        `n=${message.entries.length} commit=${message.leaderCommit}`
      );
    case 'AppendEntriesReply':
      return message.success
        ? `${head} ok prev=${message.prevLogIndex} match=${message.matchIndex}`
        : `${head} reject prev=${message.prevLogIndex} ` +
            `x=${message.xTerm}/${message.xIndex}/${message.xLen}`;
    case 'InstallSnapshot':
      return `${head} last=${message.lastIncludedIndex}/${message.lastIncludedTerm} ${message.data.length}B`;
    case 'InstallSnapshotReply':
      return `${head} last=${message.lastIncludedIndex}`;
    default:
      return unreachable(message);
  }
}

export function describeApply(message: ApplyMsg): string {
  if (message.commandValid) {
    return `command ${message.commandIndex} t${message.commandTerm} ${message.command.length}B`;
  }
  return `snapshot ${message.snapshotIndex} t${message.snapshotTerm} ${message.snapshot.length}B`;
}
