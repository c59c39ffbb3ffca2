import type { RaftView } from './view.js';

/**
 * Coverage for guided fuzzing: what a run explored, as a set of abstract features. Like the
 * monitors it knows Raft only through RaftView (and messages through MessageView, which the
 * binding fills in); unlike them it judges nothing. It draws no random numbers and changes no
 * state, so a run's trace is the same with coverage on or off.
 *
 * The abstraction, per node, after each input that node handled: its role; how far its term is
 * behind the highest live term; how many live nodes believe they lead; its log against the
 * current leader's (equal, behind, behind the leader's snapshot, longer, diverged), or, for the
 * leader, how many followers it has matched to its last entry; whether its commit index lags the
 * leader's; how many servers are down; whether its links to the leader are up. A feature is a
 * state reached, a transition between two consecutive states of one node, or the shape of a
 * delivered message (its kind, its term against the receiver's, the receiver's role, and for an
 * append how its previous entry meets the receiver's log). The "sometimes" flags name rare
 * situations worth reporting (SOMETIMES).
 */

/** A Raft message as coverage sees it: its kind and term, and the index it rests on. */
export interface MessageView {
  /** 0 RequestVote, 1 its reply, 2 AppendEntries, 3 its reply, 4 InstallSnapshot, 5 its reply. */
  readonly kind: number;
  readonly term: number;
  /** prevLogIndex of an append, lastIncludedIndex of a snapshot, lastLogIndex of a vote request. */
  readonly index: number;
  /** The term the sender gives for `index`. */
  readonly indexTerm: number;
}

export const MESSAGE_KINDS = 6;
export const KIND_APPEND = 2;
export const KIND_SNAPSHOT = 4;
const REPLY_KINDS = new Set([1, 3, 5]);

export interface CoverageContext {
  readonly servers: number;
  /** A live server's view; null while it is down. */
  view(node: number): RaftView | null;
  /** Whether messages from a to b get through now (both directions are asked separately). */
  linkUp(a: number, b: number): boolean;
}

/** Named rare situations, counted per run in the campaign report. */
export const SOMETIMES = {
  leaderLacksEntry: 'a leader elected while another node holds an entry it lacks',
  snapshotOverDivergentTail: 'a snapshot installed on a follower with a divergent tail',
  staleReplyReelected: 'a reply of an earlier term reaching a re-elected leader',
  figure8: 'an entry held by a majority overwritten (Figure 8)',
  overwrite: 'a follower entry overwritten by a later leader',
  twoLeaders: 'two nodes leading at once (one of them stale)',
  staleAppend: "a deposed leader's append reaching a newer-term follower",
  behindSnapshot: "a follower behind the leader's snapshot",
  leaderMajorityDown: 'a leader while a majority of servers is down',
  splitVote: 'two candidates in the same term',
} as const;
export type SometimesName = keyof typeof SOMETIMES;
export const SOMETIMES_NAMES = Object.keys(SOMETIMES) as SometimesName[];
const FLAG = Object.fromEntries(SOMETIMES_NAMES.map((name, i) => [name, 1 << i])) as Record<
  SometimesName,
  number
>;

/** States number below this (see stateOf). */
const STATE_SPACE = 3 * 3 * 3 * 9 * 2 * 3 * 3;
/** Feature ids: a kind times FEATURE_SPAN plus the kind's own number (a transition: from, to). */
const FEATURE_SPAN = 2 ** 26;
export const FEATURE_STATE = 1 * FEATURE_SPAN;
export const FEATURE_TRANSITION = 2 * FEATURE_SPAN;
export const FEATURE_MESSAGE = 3 * FEATURE_SPAN;
/** Every feature id is below this. */
export const FEATURE_END = 4 * FEATURE_SPAN;
/**
 * The abstraction's version, which a saved corpus records beside its features: raise it when
 * what a feature id means changes, and a corpus of the old ids is refused rather than misread.
 */
export const COVERAGE_VERSION = 1;

export const FEATURE_KINDS = ['state', 'transition', 'message'] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];
export function featureKind(feature: number): FeatureKind {
  return FEATURE_KINDS[Math.floor(feature / FEATURE_SPAN) - 1] as FeatureKind;
}

/** What a run covered: its features (sorted) and its sometimes flags. */
export interface RunCoverage {
  readonly features: readonly number[];
  readonly sometimes: number;
}

export function sometimesOf(flags: number): SometimesName[] {
  return SOMETIMES_NAMES.filter((name) => (flags & FLAG[name]) !== 0);
}

const ROLE_CODE = { follower: 0, candidate: 1, leader: 2 } as const;
const DOWN = -1;

// Log relations of a node to the leader (and, for the leader, its followers' progress).
const REL_NO_LEADER = 0;
const REL_EQUAL = 1;
const REL_BEHIND = 2;
const REL_BEHIND_SNAPSHOT = 3;
const REL_LONGER = 4;
const REL_DIVERGED = 5;
const REL_LEADER_ALL = 6;
const REL_LEADER_MAJORITY = 7;
const REL_LEADER_MINORITY = 8;

/** What an append or snapshot delivery must be compared with once the receiver handled it. */
interface Pending {
  node: number;
  kind: number;
  index: number;
  /** The receiver's term at `index + 1` (an append) or `index` (a snapshot) before. */
  before: number | undefined;
  divergent: boolean;
}

export class CoverageRecorder {
  private readonly features = new Set<number>();
  private flags = 0;
  private readonly role: number[];
  private readonly term: number[];
  private readonly state: number[];
  private readonly ledTerms: Set<number>[];
  private readonly majority: number;
  private down = 0;
  private pending: Pending | null = null;
  private stopped = false;

  constructor(private readonly ctx: CoverageContext) {
    const n = ctx.servers;
    this.role = new Array<number>(n).fill(0);
    this.term = new Array<number>(n).fill(0);
    this.state = new Array<number>(n).fill(-1);
    this.ledTerms = Array.from({ length: n }, () => new Set<number>());
    this.majority = Math.floor(n / 2) + 1;
  }

  /**
   * Records nothing from now on. The liveness phase stops coverage before its idle watch: every
   * run ends in the same settled state there, which says nothing about what its faults reached.
   */
  stop(): void {
    this.stopped = true;
  }

  result(): RunCoverage {
    return { features: [...this.features].sort((a, b) => a - b), sometimes: this.flags };
  }

  /** A message is about to be handled by `node` (the host is not paused, the node is live). */
  beforeDeliver(node: number, message: MessageView): void {
    if (this.stopped) return;
    const view = this.ctx.view(node);
    if (view === null) return;
    const rel = message.term < view.term ? 0 : message.term === view.term ? 1 : 2;
    const receiver = ROLE_CODE[view.role];
    const detail = this.messageDetail(view, message);
    this.features.add(FEATURE_MESSAGE + ((message.kind * 3 + rel) * 3 + receiver) * 4 + detail);
    if (rel === 0 && REPLY_KINDS.has(message.kind) && receiver === 2) {
      if (this.ledTerms[node]?.has(message.term) === true) this.flags |= FLAG.staleReplyReelected;
    }
    if (rel === 0 && message.kind === KIND_APPEND) this.flags |= FLAG.staleAppend;
    if (message.kind === KIND_APPEND || message.kind === KIND_SNAPSHOT) {
      this.pending = this.pendingFor(node, view, message);
    }
  }

  /** How an append's previous entry, or a snapshot's last entry, meets the receiver's log. */
  private messageDetail(view: RaftView, message: MessageView): number {
    if (message.kind !== KIND_APPEND && message.kind !== KIND_SNAPSHOT) return 0;
    if (message.index > view.lastLogIndex) return 2; // beyond the receiver's end
    if (message.index < view.snapshotIndex) return 3; // inside its snapshot
    return view.termAt(message.index) === message.indexTerm ? 0 : 1;
  }

  private pendingFor(node: number, view: RaftView, message: MessageView): Pending {
    const at = message.kind === KIND_APPEND ? message.index + 1 : message.index;
    const before = at > view.snapshotIndex ? view.termAt(at) : undefined;
    const mine = view.termAt(Math.min(view.lastLogIndex, message.index));
    const divergent =
      message.kind === KIND_SNAPSHOT &&
      ((before !== undefined && before !== message.indexTerm) ||
        (view.lastLogIndex < message.index && mine !== undefined && mine > message.indexTerm));
    return { node, kind: message.kind, index: at, before, divergent };
  }

  afterInput(node: number): void {
    if (this.stopped) return;
    const view = this.ctx.view(node);
    if (view === null) return;
    const role = ROLE_CODE[view.role];
    if (role === 2 && this.role[node] !== 2) this.becameLeader(node, view);
    this.role[node] = role;
    this.term[node] = view.term;
    if (this.pending !== null && this.pending.node === node) this.settle(this.pending, view);
    this.pending = null;
    this.observeState(node, view);
  }

  onCrash(node: number): void {
    if (this.stopped) return;
    this.role[node] = DOWN;
    this.state[node] = -1;
    this.down++;
  }

  onRestart(node: number): void {
    if (this.stopped) return;
    this.down--;
    this.afterInput(node);
  }

  private observeState(node: number, view: RaftView): void {
    const id = this.stateOf(node, view);
    const prev = this.state[node] as number;
    if (id === prev) return;
    this.state[node] = id;
    this.features.add(FEATURE_STATE + id);
    if (prev >= 0) this.features.add(FEATURE_TRANSITION + prev * STATE_SPACE + id);
  }

  /** The abstract state of `node` (see the header), a number below STATE_SPACE. */
  private stateOf(node: number, view: RaftView): number {
    let maxTerm = 0;
    let leaders = 0;
    let leader = -1;
    let candidatesInMyTerm = 0;
    for (let other = 0; other < this.ctx.servers; other++) {
      const role = this.role[other] as number;
      if (role === DOWN) continue;
      const term = this.term[other] as number;
      if (term > maxTerm) maxTerm = term;
      if (role === 2) {
        leaders++;
        if (leader < 0 || term > (this.term[leader] as number)) leader = other;
      }
      if (role === 1 && term === view.term) candidatesInMyTerm++;
    }
    if (leaders >= 2) this.flags |= FLAG.twoLeaders;
    if (candidatesInMyTerm >= 2) this.flags |= FLAG.splitVote;
    const gap = Math.min(2, maxTerm - view.term);
    const rel = this.relationToLeader(node, view, leader);
    const leaderView = leader < 0 ? null : this.ctx.view(leader);
    const commitLag = leaderView !== null && view.commitIndex < leaderView.commitIndex ? 1 : 0;
    const down = this.down === 0 ? 0 : this.down < this.majority ? 1 : 2;
    if (down === 2 && ROLE_CODE[view.role] === 2) this.flags |= FLAG.leaderMajorityDown;
    const reach =
      leader < 0 || leader === node
        ? 0
        : this.ctx.linkUp(node, leader) && this.ctx.linkUp(leader, node)
          ? 1
          : 2;
    const role = ROLE_CODE[view.role];
    // 3 roles x 3 gaps x 3 leader counts x 9 relations x 2 commit x 3 down x 3 reach.
    const packed = ((((role * 3 + gap) * 3 + Math.min(2, leaders)) * 9 + rel) * 2 + commitLag) * 9;
    return packed + down * 3 + reach;
  }

  private relationToLeader(node: number, view: RaftView, leader: number): number {
    if (leader < 0) return REL_NO_LEADER;
    if (leader === node) return this.followersMatched(node, view);
    const leaderView = this.ctx.view(leader);
    if (leaderView === null) return REL_NO_LEADER;
    const rel = compareLogs(view, leaderView);
    if (rel === REL_BEHIND_SNAPSHOT) this.flags |= FLAG.behindSnapshot;
    return rel;
  }

  /** For the leader: how many followers it has matched to its last entry. */
  private followersMatched(node: number, view: RaftView): number {
    let matched = 1;
    for (let peer = 0; peer < this.ctx.servers; peer++) {
      if (peer !== node && view.matchIndexOf(peer) >= view.lastLogIndex) matched++;
    }
    if (matched === this.ctx.servers) return REL_LEADER_ALL;
    return matched >= this.majority ? REL_LEADER_MAJORITY : REL_LEADER_MINORITY;
  }

  private becameLeader(node: number, view: RaftView): void {
    this.ledTerms[node]?.add(view.term);
    for (let other = 0; other < this.ctx.servers; other++) {
      const otherView = other === node ? null : this.ctx.view(other);
      if (otherView === null) continue;
      const rel = compareLogs(otherView, view);
      if (rel === REL_LONGER || rel === REL_DIVERGED) this.flags |= FLAG.leaderLacksEntry;
    }
  }

  /** After the receiver handled an append or a snapshot: was something overwritten? */
  private settle(pending: Pending, view: RaftView): void {
    if (pending.kind === KIND_SNAPSHOT) {
      if (pending.divergent && view.snapshotIndex >= pending.index)
        this.flags |= FLAG.snapshotOverDivergentTail;
      return;
    }
    const before = pending.before;
    if (before === undefined || pending.index <= view.snapshotIndex) return;
    const after = view.termAt(pending.index);
    if (after === undefined || after === before) return;
    this.flags |= FLAG.overwrite;
    let holders = 1; // the receiver held it
    for (let other = 0; other < this.ctx.servers; other++) {
      const otherView = other === pending.node ? null : this.ctx.view(other);
      if (otherView !== null && otherView.termAt(pending.index) === before) holders++;
    }
    if (holders >= this.majority) this.flags |= FLAG.figure8;
  }
}

/** A node's log against the leader's, judged at the last index both may hold. */
function compareLogs(mine: RaftView, leader: RaftView): number {
  const a = mine.lastLogIndex;
  const b = leader.lastLogIndex;
  if (a < leader.snapshotIndex) return REL_BEHIND_SNAPSHOT;
  const common = Math.min(a, b);
  const ta = mine.termAt(common);
  const tb = leader.termAt(common);
  if (ta !== undefined && tb !== undefined && ta !== tb) return REL_DIVERGED;
  return a === b ? REL_EQUAL : a < b ? REL_BEHIND : REL_LONGER;
}
