import { expect } from 'chai';
import { CoverageRecorder, featureKind, sometimesOf, type MessageView } from './coverage.js';
import type { RaftView } from './view.js';

/** A hand-built node: a role, a term and a log given as the term of each entry (index 1 on). */
interface FakeNode {
  role: RaftView['role'];
  term: number;
  log: number[];
  snapshotIndex?: number;
}

function viewOf(node: FakeNode): RaftView {
  const snapshotIndex = node.snapshotIndex ?? 0;
  return {
    role: node.role,
    term: node.term,
    votedFor: null,
    commitIndex: 0,
    lastApplied: 0,
    lastLogIndex: node.log.length,
    snapshotIndex,
    snapshotTerm: snapshotIndex === 0 ? 0 : (node.log[snapshotIndex - 1] as number),
    termAt: (i) => (i === 0 ? 0 : i < snapshotIndex ? undefined : node.log[i - 1]),
    entryAt: () => undefined,
    matchIndexOf: () => 0,
    takeLogChanges: () => Infinity,
  };
}

/** Three followers of term 1 with empty logs: a cluster before its first election. */
function threeFreshFollowers(): FakeNode[] {
  return [0, 1, 2].map(() => ({ role: 'follower', term: 1, log: [] }));
}

function cluster(nodes: FakeNode[]) {
  const recorder = new CoverageRecorder({
    servers: nodes.length,
    view: (n) => viewOf(nodes[n] as FakeNode),
    linkUp: () => true,
  });
  for (let n = 0; n < nodes.length; n++) recorder.afterInput(n);
  return recorder;
}

describe('coverage recorder', () => {
  it('records states and the transition between them, never a self-loop', () => {
    const nodes = threeFreshFollowers();
    const recorder = cluster(nodes);
    recorder.afterInput(0);
    (nodes[0] as FakeNode).role = 'candidate';
    (nodes[0] as FakeNode).term = 2;
    recorder.afterInput(0);
    const kinds = recorder.result().features.map(featureKind);
    expect(kinds.filter((k) => k === 'transition')).to.have.length(1);
    expect(kinds.filter((k) => k === 'state').length).to.be.greaterThan(1);
  });

  it('records nothing once stopped (the idle watch at the end of every run)', () => {
    const nodes = threeFreshFollowers();
    const recorder = cluster(nodes);
    const before = recorder.result();
    recorder.stop();
    (nodes[0] as FakeNode).role = 'leader';
    (nodes[0] as FakeNode).term = 2;
    recorder.afterInput(0);
    recorder.beforeDeliver(1, { kind: 0, term: 1, index: 0, indexTerm: 0 });
    expect(recorder.result()).to.deep.equal(before);
  });

  it('flags a leader elected while another node holds an entry it lacks', () => {
    const nodes: FakeNode[] = [
      { role: 'follower', term: 2, log: [1] },
      { role: 'follower', term: 2, log: [1, 1] },
      { role: 'follower', term: 2, log: [1] },
    ];
    const recorder = cluster(nodes);
    (nodes[0] as FakeNode).role = 'leader';
    recorder.afterInput(0);
    expect(sometimesOf(recorder.result().sometimes)).to.include('leaderLacksEntry');
  });

  it('flags a reply of an earlier term reaching a leader that also led that term', () => {
    const nodes: FakeNode[] = [
      { role: 'leader', term: 2, log: [1] },
      { role: 'follower', term: 2, log: [1] },
      { role: 'follower', term: 2, log: [1] },
    ];
    const recorder = cluster(nodes);
    const staleReply: MessageView = { kind: 3, term: 2, index: 1, indexTerm: 0 };
    recorder.beforeDeliver(0, staleReply);
    expect(recorder.result().sometimes).to.equal(0); // same term: nothing stale
    const leader = nodes[0] as FakeNode;
    leader.role = 'follower';
    leader.term = 3;
    recorder.afterInput(0);
    leader.role = 'leader';
    leader.term = 4;
    recorder.afterInput(0);
    recorder.beforeDeliver(0, staleReply);
    expect(sometimesOf(recorder.result().sometimes)).to.include('staleReplyReelected');
  });

  it('flags an entry held by a majority being overwritten (Figure 8)', () => {
    const nodes: FakeNode[] = [
      { role: 'follower', term: 4, log: [1, 2] },
      { role: 'follower', term: 4, log: [1, 2] },
      { role: 'leader', term: 5, log: [1, 3] },
    ];
    const recorder = cluster(nodes);
    recorder.beforeDeliver(0, { kind: 2, term: 5, index: 1, indexTerm: 1 });
    (nodes[0] as FakeNode).log = [1, 3];
    (nodes[0] as FakeNode).term = 5;
    recorder.afterInput(0);
    expect(sometimesOf(recorder.result().sometimes)).to.include.members(['overwrite', 'figure8']);
  });
});
