import type { Micros } from '../time.js';
import { Acknowledgements } from './acknowledgements.js';
import { AppliedRecord } from './applies.js';
import { Durability } from './durability.js';
import { LeaderChecks } from './leader-checks.js';
import { GhostCommit, LogMatching } from './log-checks.js';
import { misdescription, type SentMessage } from './message-claims.js';
import { VoteRecord } from './votes.js';
import {
  NOTHING_DURABLE,
  ViolationError,
  type AppliedView,
  type InvariantId,
  type RaftView,
  type SavedView,
  type Vouch,
} from './view.js';

/** The parts of a save a restarted node must boot with (G3). */
const RESTORED_FIELDS = ['term', 'votedFor', 'snapshotIndex', 'lastLogIndex'] as const;

/** What the monitor needs of the world it watches. */
export interface MonitorContext {
  /** The Raft servers are nodes 0..servers-1. */
  readonly servers: number;
  now(): Micros;
  /** The index of the current event in the trace. */
  eventIndex(): number;
  /** A live server's view; null while it is down. */
  view(node: number): RaftView | null;
  /** What the node's persister holds now, decoded (null: unreadable). */
  saved(node: number): SavedView | null;
}

/**
 * The online safety monitor: after every event it checks what that event could have changed,
 * and throws a ViolationError naming the invariant, the event and the nodes at the first
 * failure. Its state is the ghost history no node can see: every leader and vote of every term,
 * the truly committed entries, what each node applied and what it has made durable.
 */
export class RaftMonitor {
  private readonly highestTerm: number[];
  private readonly votes: VoteRecord;
  private readonly commitSeen: number[];
  private readonly leaderTail: ({ term: number; lastIndex: number } | null)[];
  private readonly applied: AppliedRecord;
  private readonly durability: Durability;
  private readonly acknowledgements: Acknowledgements;
  /** Per node, the lowest log index changed and not yet checked for log matching. */
  private readonly unchecked: number[];
  /**
   * Per node, the snapshot index at its last log check. When it moves, the first entry after
   * the snapshot rests on the snapshot's term instead of its old predecessor's, so log
   * matching looks at it again (a snapshot recorded with another term than that of the entry
   * it ends on shows there).
   */
  private readonly snapshotSeen: number[];
  /** Per node, the term of the message it is handling (0: none, or an input of another kind). */
  private readonly handlingTerm: number[];
  private readonly logMatching = new LogMatching();
  private readonly ghost: GhostCommit;
  private readonly majority: number;
  private readonly leaders: LeaderChecks;
  /** Checks run, for the benchmark and for tests that want to see the monitor at work. */
  checks = 0;

  /**
   * `without`: monitors turned off (their checks still run, their violations are not
   * reported), so that a run shows what the others catch alone.
   */
  constructor(
    private readonly ctx: MonitorContext,
    private readonly without: ReadonlySet<InvariantId> = new Set(),
  ) {
    const n = ctx.servers;
    this.highestTerm = new Array<number>(n).fill(0);
    this.votes = new VoteRecord(n);
    this.commitSeen = new Array<number>(n).fill(0);
    this.leaderTail = new Array<null>(n).fill(null);
    this.applied = new AppliedRecord(n);
    this.durability = new Durability(n);
    this.acknowledgements = new Acknowledgements(n);
    this.unchecked = new Array<number>(n).fill(Infinity);
    this.snapshotSeen = new Array<number>(n).fill(0);
    this.handlingTerm = new Array<number>(n).fill(0);
    this.majority = Math.floor(n / 2) + 1;
    this.ghost = new GhostCommit(n, this.majority);
    this.leaders = new LeaderChecks(
      n,
      this.majority,
      { votes: this.votes, ghost: this.ghost, acknowledgements: this.acknowledgements },
      (node) => ctx.view(node),
      (invariant, nodes, message) => this.fail(invariant, nodes, message),
    );
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
    this.checkTermAdopted(node, view);
    this.leaders.checkLeadership(node, view);
    this.checkBounds(node, view);
    this.checkLog(node, view);
    if (view.role === 'leader') this.leaders.checkMatchIndexes(node, view); // G1 and G8
    // An entry counts toward a commit only once it is on the node's disk: a copy held in memory
    // alone dies with the process, and commitment must survive any minority's crash. (In the
    // correct Raft every input ends saved, so this only bites a node that held back a save.)
    if (this.durability.covers(node, view)) this.ghost.observe(node, view);
    this.checkCommitted(node, view);
  }

  /** A Raft message of `term` is about to be handled by `node`. */
  beforeDeliver(node: number, term: number): void {
    // An input may handle more than one message (those queued behind a busy one): the highest
    // term among them is the one the node must hold at its end.
    this.handlingTerm[node] = Math.max(this.handlingTerm[node] as number, term);
  }

  /**
   * The node saved state; `saved` is what the bytes it wrote say (null: unreadable), and
   * `snapshotCovers` the index the snapshot saved beside them covers, as the service wrote it
   * (null: not known). G7: the two name the same index. A pair that does not boots the service
   * on a state of another index than the one Raft resumes after, and a crash between two saves
   * of one compaction is all it takes to get there.
   */
  afterPersist(node: number, saved: SavedView | null, snapshotCovers: number | null = null): void {
    if (saved !== null && snapshotCovers !== null && snapshotCovers !== saved.snapshotIndex) {
      const pair = `Raft state with snapshot index ${saved.snapshotIndex} beside a snapshot`;
      this.fail('G7', [node], `node ${node} saved ${pair} through ${snapshotCovers}`);
    }
    const view = this.ctx.view(node);
    if (view === null) return;
    this.noteChanges(node, view);
    this.durability.saved(node, saved ?? NOTHING_DURABLE, view);
    // A save that holds all the node has is durable knowledge at once: its vote and its log
    // count from here, even if the rest of the input waits on the disk (its acknowledgement
    // may leave before the input ends).
    if (this.durability.covers(node, view)) {
      this.checkTermAndVote(node, view);
      this.ghost.observe(node, view);
    }
  }

  /**
   * A Raft message leaves `node` for `to`. G2: every request and reply carries its sender's
   * current term (Figure 2), the only way a node behind learns of a newer term from it. G6: the
   * rest of what it says of its sender is true (message-claims.ts). G5: a reply that vouches
   * for state leaves only once that state is durable. An append or snapshot acknowledgement is
   * also recorded: it is all a leader may learn a matchIndex from.
   */
  beforeSend(node: number, to: number, message: SentMessage, vouch: Vouch | null): void {
    const view = this.ctx.view(node);
    if (view !== null) this.checkSent(node, to, message, view);
    if (vouch === null) return;
    if (view !== null) this.noteChanges(node, view);
    const why = this.durability.premature(node, vouch);
    if (why !== null) this.fail('G5', [node, to], why);
    if (vouch.kind !== 'vote') this.acknowledgements.record(node, to, vouch.term, vouch.matchIndex);
  }

  private checkSent(node: number, to: number, message: SentMessage, view: RaftView): void {
    if (message.term !== view.term) {
      const what = `${message.type} of term ${message.term}`;
      this.fail('G2', [node, to], `node ${node} in term ${view.term} sent ${what}`);
    }
    const lie = misdescription(message, to, view);
    if (lie !== null) this.fail('G6', [node, to], `node ${node} sent ${to} ${lie}`);
  }

  /** SMS: gap-free, in-order applies, the same command at an index everywhere. */
  onApply(node: number, applied: AppliedView): void {
    const why = this.applied.apply(node, applied);
    if (why !== null) this.fail('SMS', [node], why);
  }

  /**
   * Told just before the crash: its volatile bounds start over. A crash inside an input leaves
   * that input unchecked (the monitor looks after whole inputs): what the node made durable
   * before dying counts. All of its state if its last save holds it all (an acknowledgement
   * may have left), else its saved vote.
   */
  onCrash(node: number): void {
    this.handlingTerm[node] = 0; // the input it died in is not judged as a whole
    const view = this.ctx.view(node);
    if (view !== null) {
      this.noteChanges(node, view);
      if (this.durability.covers(node, view)) this.afterInput(node);
      else this.recordVote(node, this.durability.durableOf(node));
    }
    this.leaderTail[node] = null;
    this.commitSeen[node] = 0;
  }

  /**
   * A restarted node (already booted and checked) must remember its vote. What it applies next
   * is judged from what its persister holds (the saved snapshot's index), not from what the
   * node says it restored.
   */
  onRestart(node: number): void {
    const view = this.ctx.view(node);
    if (view === null) return;
    const vote = this.votes.votedIn(node, view.term);
    if (vote !== undefined && view.votedFor !== vote) {
      this.fail(
        'G3',
        [node, vote],
        `node ${node} forgot its vote for ${vote} in term ${view.term} across a restart`,
      );
    }
    const read = this.ctx.saved(node);
    if (read !== null) this.checkRestored(node, view, read);
    const saved = read ?? NOTHING_DURABLE;
    this.applied.restart(node, saved.snapshotIndex);
    this.durability.saved(node, saved, view);
  }

  /**
   * A restarted node boots with exactly what its last save holds, as the binding's decoder reads
   * it: a restore that drops entries or a field would otherwise show only by its consequences,
   * far from the cause, or not at all.
   */
  private checkRestored(node: number, view: RaftView, saved: SavedView): void {
    for (const field of RESTORED_FIELDS) {
      if (view[field] === saved[field]) continue;
      this.fail(
        'G3',
        [node],
        `node ${node} restarted with ${field} ${view[field]}, but its last save holds ${saved[field]}`,
      );
    }
  }

  /** Log changes since the last look feed both log matching and the durability check. */
  private noteChanges(node: number, view: RaftView): number {
    const changed = view.takeLogChanges();
    if (changed === Infinity) return Infinity;
    this.durability.changed(node, changed);
    if (changed < (this.unchecked[node] as number)) this.unchecked[node] = changed;
    return changed;
  }

  private recordVote(node: number, durable: { term: number; votedFor: number | null }): void {
    if (durable.votedFor === null) return;
    const earlier = this.votes.record(node, durable.term, durable.votedFor);
    if (earlier !== null) {
      this.fail(
        'G3',
        [node, earlier, durable.votedFor],
        `node ${node} voted for ${earlier} and then ${durable.votedFor} in term ${durable.term}`,
      );
    }
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
    const earlier = this.votes.record(node, view.term, view.votedFor);
    if (earlier !== null) {
      this.fail(
        'G3',
        [node, earlier, view.votedFor],
        `node ${node} voted for ${earlier} and then ${view.votedFor} in term ${view.term}`,
      );
    }
  }

  /**
   * G2, Figure 2's rule for all servers: a request or reply of a term above the node's own sets
   * its term to that one. A node that handled such a message and kept its lower term goes on
   * acting in a term the cluster has left (a leader that ignores the newer term in a reply).
   */
  private checkTermAdopted(node: number, view: RaftView): void {
    const term = this.handlingTerm[node] as number;
    this.handlingTerm[node] = 0;
    if (term > view.term) {
      this.fail(
        'G2',
        [node],
        `node ${node} handled a message of term ${term} and stayed in term ${view.term}`,
      );
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

  /** LAO for a leader, LM for everyone, on the entries changed since the last check. */
  private checkLog(node: number, view: RaftView): void {
    this.noteChanges(node, view);
    const changed = this.unchecked[node] as number;
    this.unchecked[node] = Infinity;
    const tail = this.leaderTail[node] as { term: number; lastIndex: number } | null;
    if (tail !== null && tail.term === view.term && changed <= tail.lastIndex) {
      this.fail(
        'LAO',
        [node],
        `leader ${node} of term ${view.term} changed its log at ${changed} (had ${tail.lastIndex})`,
      );
    }
    const snapshot = view.snapshotIndex;
    const moved = snapshot !== this.snapshotSeen[node];
    this.snapshotSeen[node] = snapshot;
    const conflict =
      (changed === Infinity ? null : this.logMatching.check(view, changed)) ??
      // Only the first entry after a moved snapshot rests on something new.
      (moved && snapshot + 1 < changed
        ? this.logMatching.check(view, snapshot + 1, snapshot + 1)
        : null);
    if (conflict !== null) this.fail('LM', [node], `node ${node}: ${conflict}`);
    this.leaderTail[node] =
      view.role === 'leader' ? { term: view.term, lastIndex: view.lastLogIndex } : null;
  }

  /** CS: a node marks committed only what is truly committed (the ghost set). */
  private checkCommitted(node: number, view: RaftView): void {
    const commit = view.commitIndex;
    if (commit > this.ghost.index) {
      this.fail(
        'CS',
        [node],
        `node ${node} commits index ${commit}, but only ${this.ghost.index} is truly committed`,
      );
    }
    const want = this.ghost.termAt(commit);
    const have = commit > view.snapshotIndex ? view.termAt(commit) : undefined;
    if (want !== undefined && want !== -1 && have !== undefined && have !== want) {
      this.fail(
        'CS',
        [node],
        `node ${node} commits index ${commit} of term ${have}; the committed entry there is of term ${want}`,
      );
    }
  }

  private fail(invariant: InvariantId, nodes: readonly number[], message: string): void {
    if (this.without.has(invariant)) return;
    throw new ViolationError({
      invariant,
      event: this.ctx.eventIndex(),
      t: this.ctx.now(),
      nodes,
      message,
    });
  }
}
