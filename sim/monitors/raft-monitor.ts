import type { Micros } from '../time.js';
import { GhostCommit, LogMatching } from './log-checks.js';
import {
  hashBytes,
  ViolationError,
  type AppliedView,
  type InvariantId,
  type RaftView,
  type Vouch,
} from './view.js';

/** What the monitor needs of the world it watches. */
export interface MonitorContext {
  /** The Raft servers are nodes 0..servers-1. */
  readonly servers: number;
  now(): Micros;
  /** The index of the current event in the trace. */
  eventIndex(): number;
  /** A live server's view; null while it is down. */
  view(node: number): RaftView | null;
}

interface Durable {
  readonly term: number;
  readonly votedFor: number | null;
  readonly lastLogIndex: number;
}

/**
 * The online safety monitor: after every event it checks what that event could have changed,
 * and throws a ViolationError naming the invariant, the event and the nodes at the first
 * failure. Its state is the ghost history a node cannot see: every leader of every term, every
 * vote, the truly committed entries, what each node applied and what it has made durable.
 */
export class RaftMonitor {
  private readonly leaderOfTerm = new Map<number, number>();
  private readonly highestTerm: number[];
  private readonly votes: Map<number, number>[];
  private readonly commitSeen: number[];
  private readonly leaderTail: ({ term: number; lastIndex: number } | null)[];
  private readonly appliedUpTo: number[];
  private readonly appliedHash: number[] = [];
  private readonly durable: Durable[];
  private readonly logMatching = new LogMatching();
  private readonly ghost: GhostCommit;
  private logsChanged = false;
  /** Checks run, for the benchmark and for tests that want to see the monitor at work. */
  checks = 0;

  constructor(private readonly ctx: MonitorContext) {
    const n = ctx.servers;
    this.highestTerm = new Array<number>(n).fill(0);
    this.votes = Array.from({ length: n }, () => new Map<number, number>());
    this.commitSeen = new Array<number>(n).fill(0);
    this.leaderTail = new Array<null>(n).fill(null);
    this.appliedUpTo = new Array<number>(n).fill(0);
    this.durable = Array.from({ length: n }, () => ({ term: 0, votedFor: null, lastLogIndex: 0 }));
    this.ghost = new GhostCommit(Math.floor(n / 2) + 1);
  }

  /** The ghost commit index: how far the cluster has truly committed. */
  get committedIndex(): number {
    return this.ghost.index;
  }

  /** After a node handled an input (message, timer, call): everything it may have changed. */
  afterInput(node: number): void {
    const view = this.ctx.view(node);
    if (view === null) return;
    this.checks++;
    this.checkTermAndVote(node, view);
    this.checkLeadership(node, view);
    this.checkBounds(node, view);
    this.checkLog(node, view);
    if (view.role === 'leader') this.checkMatchIndexes(node, view);
    if (this.logsChanged) this.advanceGhost();
  }

  afterPersist(node: number): void {
    const view = this.ctx.view(node);
    if (view === null) return;
    this.durable[node] = {
      term: view.term,
      votedFor: view.votedFor,
      lastLogIndex: view.lastLogIndex,
    };
  }

  /** G5: a reply that vouches for state leaves only once that state is durable. */
  beforeSend(node: number, to: number, vouch: Vouch | null): void {
    if (vouch === null) return;
    const d = this.durable[node] as Durable;
    if (d.term < vouch.term) {
      this.fail(
        'G5',
        [node, to],
        `node ${node} vouches in term ${vouch.term} with term ${d.term} durable`,
      );
    }
    if (vouch.kind === 'vote' && d.term === vouch.term && d.votedFor !== vouch.candidate) {
      this.fail(
        'G5',
        [node, to],
        `node ${node} grants ${vouch.candidate} a vote not yet durable (durable: ${d.votedFor})`,
      );
    }
    if (vouch.kind === 'append' && d.lastLogIndex < vouch.matchIndex) {
      this.fail(
        'G5',
        [node, to],
        `node ${node} acks index ${vouch.matchIndex} with ${d.lastLogIndex} durable`,
      );
    }
  }

  /** SMS: gap-free, in-order applies, the same command at an index everywhere. */
  onApply(node: number, applied: AppliedView): void {
    const upTo = this.appliedUpTo[node] as number;
    if (!applied.commandValid) {
      if (applied.snapshotIndex <= upTo) {
        this.fail(
          'SMS',
          [node],
          `node ${node} applies snapshot ${applied.snapshotIndex} after applying ${upTo}`,
        );
      }
      this.appliedUpTo[node] = applied.snapshotIndex;
      return;
    }
    const index = applied.commandIndex;
    if (index !== upTo + 1)
      this.fail('SMS', [node], `node ${node} applies index ${index} after ${upTo}`);
    const hash = hashBytes(applied.command);
    const other = this.appliedHash[index];
    if (other !== undefined && other !== hash) {
      this.fail(
        'SMS',
        [node],
        `node ${node} applies a command at ${index} that differs from another node's`,
      );
    }
    this.appliedHash[index] = hash;
    this.appliedUpTo[node] = index;
  }

  /** commitIndex is volatile: a restarted node starts again from its snapshot. */
  onCrash(node: number): void {
    this.leaderTail[node] = null;
    this.commitSeen[node] = 0;
  }

  /** A restarted node (already booted and checked) resumes applying after its snapshot. */
  onRestart(node: number): void {
    const view = this.ctx.view(node);
    if (view === null) return;
    this.appliedUpTo[node] = view.lastApplied;
    this.durable[node] = {
      term: view.term,
      votedFor: view.votedFor,
      lastLogIndex: view.lastLogIndex,
    };
  }

  private checkTermAndVote(node: number, view: RaftView): void {
    if (view.term < (this.highestTerm[node] as number)) {
      this.fail(
        'G2',
        [node],
        `node ${node}'s term went from ${this.highestTerm[node]} down to ${view.term}`,
      );
    }
    this.highestTerm[node] = view.term;
    if (view.votedFor === null) return;
    const votes = this.votes[node] as Map<number, number>;
    const earlier = votes.get(view.term);
    if (earlier !== undefined && earlier !== view.votedFor) {
      this.fail(
        'G3',
        [node, earlier, view.votedFor],
        `node ${node} voted for ${earlier} and then ${view.votedFor} in term ${view.term}`,
      );
    }
    votes.set(view.term, view.votedFor);
  }

  private checkLeadership(node: number, view: RaftView): void {
    if (view.role !== 'leader') {
      this.leaderTail[node] = null;
      return;
    }
    const owner = this.leaderOfTerm.get(view.term);
    if (owner !== undefined && owner !== node) {
      this.fail(
        'ES',
        [owner, node],
        `nodes ${owner} and ${node} are both leaders of term ${view.term}`,
      );
    }
    if (owner === undefined) {
      this.leaderOfTerm.set(view.term, node);
      const missing = this.ghost.missingFrom(view);
      if (missing !== null)
        this.fail('LC', [node], `new leader ${node} of term ${view.term}: ${missing}`);
    }
  }

  private checkBounds(node: number, view: RaftView): void {
    const { commitIndex, lastApplied, lastLogIndex, snapshotIndex } = view;
    if (commitIndex < (this.commitSeen[node] as number)) {
      this.fail(
        'G4',
        [node],
        `node ${node}'s commitIndex went from ${this.commitSeen[node]} down to ${commitIndex}`,
      );
    }
    this.commitSeen[node] = commitIndex;
    if (lastApplied > commitIndex || commitIndex > lastLogIndex || snapshotIndex > commitIndex) {
      this.fail(
        'G4',
        [node],
        `node ${node}: lastApplied ${lastApplied}, commitIndex ${commitIndex}, lastIndex ${lastLogIndex}, snapshot ${snapshotIndex}`,
      );
    }
  }

  private checkLog(node: number, view: RaftView): void {
    const changed = view.takeLogChanges();
    const tail = this.leaderTail[node] as { term: number; lastIndex: number } | null;
    if (changed !== Infinity) {
      this.logsChanged = true;
      if (tail !== null && tail.term === view.term && changed <= tail.lastIndex) {
        this.fail(
          'LAO',
          [node],
          `leader ${node} of term ${view.term} changed its log at ${changed} (had ${tail.lastIndex})`,
        );
      }
      const conflict = this.logMatching.check(view, changed);
      if (conflict !== null) this.fail('LM', [node], `node ${node}: ${conflict}`);
    }
    this.leaderTail[node] =
      view.role === 'leader' ? { term: view.term, lastIndex: view.lastLogIndex } : null;
  }

  /** G1: a leader's matchIndex for a follower of its term is within their shared prefix. */
  private checkMatchIndexes(node: number, view: RaftView): void {
    for (let peer = 0; peer < this.ctx.servers; peer++) {
      if (peer === node) continue;
      const match = view.progressOf(peer)?.matchIndex ?? 0;
      const other = match > 0 ? this.ctx.view(peer) : null;
      if (other === null || other.term > view.term) continue; // a newer term may rewrite its log
      const mine = view.termAt(match);
      const theirs = other.lastLogIndex >= match ? other.termAt(match) : -1;
      if (mine === undefined || theirs === undefined) continue; // compacted on either side
      if (mine !== theirs) {
        this.fail(
          'G1',
          [node, peer],
          `leader ${node} has matchIndex ${match} for ${peer}, whose entry there is ${theirs === -1 ? 'missing' : `of term ${theirs}`}, not ${mine}`,
        );
      }
    }
  }

  private advanceGhost(): void {
    this.logsChanged = false;
    const views = Array.from({ length: this.ctx.servers }, (_, i) => this.ctx.view(i));
    for (const view of views)
      if (view !== null && view.role === 'leader') this.ghost.advance(view, views);
  }

  private fail(invariant: InvariantId, nodes: readonly number[], message: string): never {
    throw new ViolationError({
      invariant,
      event: this.ctx.eventIndex(),
      t: this.ctx.now(),
      nodes,
      message,
    });
  }
}
