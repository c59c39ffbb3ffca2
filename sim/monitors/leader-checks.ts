import type { Acknowledgements } from './acknowledgements.js';
import type { GhostCommit } from './log-checks.js';
import type { InvariantId, RaftView } from './view.js';
import type { VoteRecord } from './votes.js';

/** Reports a violation (the monitor throws, unless that invariant's monitor is turned off). */
export type ReportViolation = (
  invariant: InvariantId,
  nodes: readonly number[],
  message: string,
) => void;

/** The monitor's records the leader checks read. */
export interface LeaderRecords {
  readonly votes: VoteRecord;
  readonly ghost: GhostCommit;
  readonly acknowledgements: Acknowledgements;
}

/**
 * What the monitor checks of a leader: that it is its term's only leader, elected by a majority
 * of that term's votes (ES), that it holds everything truly committed (LC), that its
 * matchIndexes are knowledge its followers gave it (G1), and that it commits what they let it
 * (G8).
 */
export class LeaderChecks {
  private readonly leaderOfTerm = new Map<number, number>();
  /** Per leader, the term its matchIndexes below were seen in, and the highest seen per peer. */
  private readonly matchTerm: number[];
  private readonly matchSeen: number[][];

  constructor(
    private readonly servers: number,
    private readonly majority: number,
    private readonly records: LeaderRecords,
    private readonly viewOf: (node: number) => RaftView | null,
    private readonly report: ReportViolation,
  ) {
    this.matchTerm = new Array<number>(servers).fill(-1);
    this.matchSeen = Array.from({ length: servers }, () => new Array<number>(servers).fill(0));
  }

  /** ES: one leader per term, elected by a majority of that term's votes; LC for a new leader. */
  checkLeadership(node: number, view: RaftView): void {
    if (view.role !== 'leader') return;
    const owner = this.leaderOfTerm.get(view.term);
    if (owner !== undefined && owner !== node) {
      this.report(
        'ES',
        [owner, node],
        `nodes ${owner} and ${node} are both leaders of term ${view.term}`,
      );
    }
    if (owner !== undefined) return;
    this.leaderOfTerm.set(view.term, node);
    const votes = this.records.votes.votesFor(node, view.term);
    if (votes < this.majority) {
      this.report(
        'ES',
        [node],
        `node ${node} leads term ${view.term} with ${votes} of the ${this.majority} votes it needs`,
      );
    }
    const missing = this.records.ghost.missingFrom(view);
    if (missing !== null)
      this.report('LC', [node], `new leader ${node} of term ${view.term}: ${missing}`);
  }

  /**
   * G1: a leader's matchIndex for a follower is knowledge, so it is no higher than what that
   * follower acknowledged to it in its term (a reply from an earlier term proves nothing now),
   * it lies within the prefix their logs truly share, and it never falls within the term
   * (Figure 2: knowledge is not lost; a late or repeated reply tells the leader nothing new).
   */
  checkMatchIndexes(node: number, view: RaftView): void {
    const seen = this.matchSeen[node] as number[];
    if (this.matchTerm[node] !== view.term) {
      this.matchTerm[node] = view.term;
      seen.fill(0);
    }
    // Logs past the commit index, the leader's own among them: G8's first question, counted
    // here so that the matchIndexes are read once per input.
    let ahead = view.lastLogIndex > view.commitIndex ? 1 : 0;
    for (let peer = 0; peer < this.servers; peer++) {
      if (peer === node) continue;
      const match = view.matchIndexOf(peer);
      if (match > view.commitIndex) ahead++;
      this.checkRising(node, view.term, peer, match, seen);
      if (match === 0) continue;
      const told = this.records.acknowledgements.highest(peer, node, view.term);
      if (match > told) {
        this.report(
          'G1',
          [node, peer],
          `leader ${node} of term ${view.term} has matchIndex ${match} for ${peer}, which acknowledged only ${told} in that term`,
        );
      }
      this.checkSharedPrefix(node, view, peer, match);
    }
    // Nearly always after a correct leader's input: too few logs past the commit to owe one.
    if (ahead >= this.majority) this.checkCommitDue(node, view);
  }

  /**
   * G8 (called by checkMatchIndexes once a majority's logs reach past the commit index):
   * Figure 2's commit rule as a duty. Once a majority (the leader counting its own log)
   * holds an index N past commitIndex whose entry is of the leader's term, the input that made
   * it so must commit N: a leader that waits for more (its whole log on a majority, its own
   * vote, a later heartbeat) stalls its clients for as long as the wait lasts, and under a
   * steady load for good.
   */
  private checkCommitDue(node: number, view: RaftView): void {
    const commit = view.commitIndex;
    // Log terms never fall, so if the highest index a majority holds is of an earlier term,
    // every lower one is too: Figure 8's case, where nothing is due yet.
    const held = this.heldByMajority(node, view);
    if (held <= commit || view.termAt(held) !== view.term) return;
    this.report(
      'G8',
      [node],
      `leader ${node} of term ${view.term} has commitIndex ${commit}, but a majority holds ${held}, of its term`,
    );
  }

  /** The highest index a majority holds, the leader counting its own log: no sort, no array. */
  private heldByMajority(node: number, view: RaftView): number {
    let best = 0;
    for (let i = 0; i < this.servers; i++) {
      const candidate = i === node ? view.lastLogIndex : view.matchIndexOf(i);
      if (candidate <= best) continue;
      let holders = 0;
      for (let j = 0; j < this.servers; j++)
        if ((j === node ? view.lastLogIndex : view.matchIndexOf(j)) >= candidate) holders++;
      if (holders >= this.majority) best = candidate;
    }
    return best;
  }

  /** G1's third rule: `match` is no lower than the highest seen for `peer` in this term. */
  private checkRising(
    node: number,
    term: number,
    peer: number,
    match: number,
    seen: number[],
  ): void {
    const before = seen[peer] as number;
    if (match >= before) {
      seen[peer] = match;
      return;
    }
    this.report(
      'G1',
      [node, peer],
      `leader ${node} of term ${term} lowered its matchIndex for ${peer} from ${before} to ${match}`,
    );
  }

  private checkSharedPrefix(node: number, view: RaftView, peer: number, match: number): void {
    const other = this.viewOf(peer);
    if (other === null || other.term > view.term) return; // a newer term may rewrite its log
    const mine = view.termAt(match);
    const theirs = other.lastLogIndex >= match ? other.termAt(match) : -1;
    if (mine === undefined || theirs === undefined) return; // compacted on either side
    if (mine !== theirs) {
      const there = theirs === -1 ? 'missing' : `of term ${theirs}`;
      this.report(
        'G1',
        [node, peer],
        `leader ${node} has matchIndex ${match} for ${peer}, whose entry there is ${there}, not ${mine}`,
      );
    }
  }
}
