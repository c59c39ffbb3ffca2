import { expect } from 'chai';
import fc from 'fast-check';
import { TestCluster } from './testkit.js';
import type { ApplyMsg } from './types.js';

/**
 * Figure 3's guarantees under random schedules: messages delivered in any order, dropped or
 * duplicated; timers fired at any moment; nodes cut off, crashed and restarted; proposals and
 * snapshots anywhere. After every step: election safety, log matching, state machine safety,
 * apply order. At the end the cluster heals and must elect a leader and commit again.
 */
type Action =
  | { readonly kind: 'deliver' | 'drop' | 'duplicate'; readonly k: number }
  | { readonly kind: 'timer'; readonly node: number; readonly name: string }
  | {
      readonly kind: 'propose' | 'crash' | 'restart' | 'snapshot' | 'cut' | 'join';
      readonly node: number;
    };

const SIZE = 3;
const node = fc.nat({ max: SIZE - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('deliver' as const), k: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('drop' as const, 'duplicate' as const),
      k: fc.nat(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('timer' as const),
      node,
      // Elections rarely, so that leaders live long enough to commit something.
      name: fc.oneof(
        { weight: 1, arbitrary: fc.constant('election') },
        { weight: 6, arbitrary: fc.constantFrom('heartbeat', 'replicate') },
      ),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('propose' as const), node }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'crash' as const,
        'restart' as const,
        'snapshot' as const,
        'cut' as const,
        'join' as const,
      ),
      node,
    }),
  },
);

class Observer {
  private readonly leaderOf = new Map<number, number>();
  private readonly committed = new Map<number, string>();
  private readonly seen: number[] = new Array<number>(SIZE).fill(0);
  private readonly nextApply: number[] = new Array<number>(SIZE).fill(1);
  private readonly terms: number[] = new Array<number>(SIZE).fill(0);
  private proposals = 0;

  constructor(private readonly c: TestCluster) {}

  command(): Uint8Array {
    this.proposals++;
    return Uint8Array.of(this.proposals & 0xff, this.proposals >> 8);
  }

  booted(i: number): void {
    this.nextApply[i] = this.c.node(i).lastApplied + 1;
  }

  check(): void {
    for (let i = 0; i < SIZE; i++) this.checkNode(i);
    this.checkLogMatching();
  }

  private checkNode(i: number): void {
    const n = this.c.nodes[i];
    const applied = this.c.applied[i] as ApplyMsg[];
    for (let k = this.seen[i] as number; k < applied.length; k++) {
      this.checkApply(i, applied[k] as ApplyMsg);
    }
    this.seen[i] = applied.length;
    if (n == null) return;
    expect(n.term, `term of node ${i} went down`).to.be.at.least(this.terms[i] as number);
    this.terms[i] = n.term;
    if (n.role !== 'leader') return;
    const other = this.leaderOf.get(n.term);
    expect(other ?? i, `two leaders in term ${n.term}`).to.equal(i);
    this.leaderOf.set(n.term, i);
  }

  private checkApply(i: number, m: ApplyMsg): void {
    const expected = this.nextApply[i] as number;
    if (m.snapshotValid) {
      expect(m.snapshotIndex, `snapshot moves node ${i} back`).to.be.at.least(expected);
      this.nextApply[i] = m.snapshotIndex + 1;
      return;
    }
    expect(m.commandIndex, `node ${i} applies out of order`).to.equal(expected);
    this.nextApply[i] = expected + 1;
    const text = m.command.join(',');
    const before = this.committed.get(m.commandIndex);
    expect(before ?? text, `two commands applied at ${m.commandIndex}`).to.equal(text);
    this.committed.set(m.commandIndex, text);
  }

  /** §5.3 log matching: same index and term means identical logs up to there. */
  private checkLogMatching(): void {
    const live = this.c.nodes.filter((n) => n != null);
    for (const a of live) {
      for (const b of live) {
        if (a.id >= b.id) continue;
        const floor = Math.max(a.snapshotIndex, b.snapshotIndex);
        let i = Math.min(a.lastLogIndex, b.lastLogIndex);
        while (i > floor && a.termAt(i) !== b.termAt(i)) i--;
        for (; i > floor; i--) {
          expect(a.entryAt(i), `logs of ${a.id} and ${b.id} differ at ${i}`).to.deep.equal(
            b.entryAt(i),
          );
        }
      }
    }
  }
}

function step(c: TestCluster, o: Observer, a: Action): void {
  switch (a.kind) {
    case 'deliver':
    case 'drop':
    case 'duplicate': {
      if (c.inFlight.length === 0) return;
      const k = a.k % c.inFlight.length;
      if (a.kind === 'deliver') c.deliver(k);
      else if (a.kind === 'drop') c.inFlight.splice(k, 1);
      else c.inFlight.push(c.inFlight[k] as (typeof c.inFlight)[number]);
      return;
    }
    case 'timer':
      if (c.nodes[a.node] != null && c.timers[a.node]?.has(a.name)) c.fire(a.node, a.name);
      return;
    case 'propose':
      if (c.nodes[a.node] != null) c.propose(a.node, o.command());
      return;
    case 'snapshot': {
      const n = c.nodes[a.node];
      if (n != null && n.lastApplied > n.snapshotIndex)
        c.snapshot(a.node, n.lastApplied, Uint8Array.of(n.lastApplied));
      return;
    }
    case 'crash':
      if (c.nodes[a.node] != null) c.crash(a.node);
      return;
    case 'restart':
      if (c.nodes[a.node] == null) {
        c.boot(a.node);
        o.booted(a.node);
      }
      return;
    case 'cut':
      c.disconnect(a.node);
      return;
    case 'join':
      c.connect(a.node);
      return;
    default:
      a satisfies never;
  }
}

/** Heal everything, then elections until one leader holds the highest term; it must commit. */
function recover(c: TestCluster, o: Observer): void {
  for (let i = 0; i < SIZE; i++) {
    c.connect(i);
    if (c.nodes[i] == null) {
      c.boot(i);
      o.booted(i);
    }
  }
  c.deliverAll();
  for (let attempt = 0; attempt < 12; attempt++) {
    const top = Math.max(...c.nodes.map((n) => n?.term ?? 0));
    if (c.nodes.some((n) => n?.role === 'leader' && n.term === top)) break;
    const i = attempt % SIZE;
    if (c.timers[i]?.has('election')) c.elect(i);
    o.check();
  }
  const top = Math.max(...c.nodes.map((n) => n?.term ?? 0));
  const leader = c.nodes.findIndex((n) => n?.role === 'leader' && n.term === top);
  expect(leader, 'no leader after healing').to.be.at.least(0);
  const { index } = c.propose(leader, o.command());
  for (let round = 0; round < 4; round++) c.tick();
  o.check();
  for (const n of c.nodes)
    expect(n?.commitIndex, `node ${n?.id} did not commit ${index}`).to.be.at.least(index);
}

const stats = { commits: 0, snapshots: 0, terms: 0 };

describe('safety under random schedules (Figure 3)', () => {
  it('property: election safety, log matching, state machine safety, apply order; then recovery', () => {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 100, maxLength: 400 }),
        fc.nat({ max: 1000 }),
        (actions, seed) => {
          const c = new TestCluster(SIZE, seed + 1);
          const o = new Observer(c);
          for (const a of actions) {
            step(c, o, a);
            o.check();
          }
          stats.commits += Math.max(...c.nodes.map((n) => n?.commitIndex ?? 0));
          stats.snapshots += c.nodes.filter((n) => (n?.snapshotIndex ?? 0) > 0).length;
          stats.terms += Math.max(...c.nodes.map((n) => n?.term ?? 0));
          recover(c, o);
        },
      ),
      { numRuns: Number(process.env['RAFT_SAFETY_RUNS'] ?? 300) },
    );
    // The schedules must reach the interesting states, not just churn elections.
    expect(stats.commits).to.be.greaterThan(0);
    expect(stats.snapshots).to.be.greaterThan(0);
  });
});
