import { expect } from 'chai';
import { NodePanicError, SimulationError } from './assert.js';
import type { DeliveryRule } from './network.js';
import { reliable, unreliable } from './profiles.js';
import { probeProgram, type ProbeMessage, type ProbeNode } from './testing/probe.js';
import type { TraceRecord } from './trace.js';
import { World } from './world.js';

function probeWorld(nodes = 3, seed = 1, delivery: DeliveryRule = 'connection') {
  const world = new World({ nodes, seed, profile: reliable, program: probeProgram(), delivery });
  const records: TraceRecord[] = [];
  world.trace.subscribe((r) => records.push(r));
  world.start();
  return { world, records, node: (i: number) => world.host(i).instance as ProbeNode };
}

function request(n: number): ProbeMessage {
  return { type: 'request', n, body: [n] };
}

function send(
  world: World<ProbeMessage, number, ProbeNode>,
  from: number,
  to: number,
  message: ProbeMessage,
) {
  world.host(from).run(() => [{ kind: 'send', to, message }]);
}

describe('World: messages', () => {
  it('delivers a request and its reply, counting the request for the receiver', () => {
    const { world, node } = probeWorld();
    send(world, 0, 1, request(1));
    world.scheduler.runUntilTime(10_000);
    expect(node(1).received.map((r) => r.message.n)).to.deep.equal([1]);
    expect(node(0).received.map((r) => r.message.type)).to.deep.equal(['reply']);
    expect(world.network.requestsDelivered).to.deep.equal([0, 1, 0]);
  });

  it('nothing crosses a cut link, whether cut before sending or while in flight', () => {
    const { world, node, records } = probeWorld();
    world.applyFault({ kind: 'partition', groups: [[0], [1, 2]] });
    for (let n = 0; n < 50; n++) send(world, 0, 1, request(n));
    world.scheduler.runUntilTime(10_000);
    expect(node(1).received).to.have.length(0);
    world.applyFault({ kind: 'heal' });
    send(world, 0, 2, request(99));
    world.applyFault({ kind: 'isolate', node: 2 }); // cut while the request is in flight
    world.scheduler.runUntilTime(20_000);
    expect(node(2).received).to.have.length(0);
    expect(records.filter((r) => r.kind === 'loss')).to.have.length(50);
    expect(records.filter((r) => r.kind === 'drop')).to.have.length(1);
  });

  it('a one-way cut blocks one direction only', () => {
    const { world, node } = probeWorld();
    world.applyFault({ kind: 'cut', from: 0, to: 1 });
    send(world, 0, 1, request(1));
    send(world, 1, 0, request(2));
    world.scheduler.runUntilTime(10_000);
    expect(node(1).received).to.have.length(0);
    // 0 gets 1's request, and its reply to 1 is blocked by the cut
    expect(node(0).received.map((r) => r.message.n)).to.deep.equal([2]);
    expect(node(1).received).to.have.length(0);
  });

  it('mutating a message after sending it changes nothing delivered', () => {
    const { world, node } = probeWorld();
    const message = { type: 'request' as const, n: 7, body: [1, 2, 3] };
    send(world, 0, 1, message);
    message.n = 8;
    message.body.push(4);
    world.scheduler.runUntilTime(10_000);
    const got = node(1).received[0]?.message;
    expect(got).to.deep.equal({ type: 'request', n: 7, body: [1, 2, 3] });
    expect(got).to.not.equal(message);
  });

  it('switching the profile changes the fate of later messages', () => {
    const { world, node } = probeWorld();
    world.applyFault({ kind: 'profile', profile: 'unreliable' });
    expect(world.network.profile).to.equal(unreliable);
    for (let n = 0; n < 1000; n++) send(world, 0, 1, request(n));
    world.scheduler.runUntilTime(100_000);
    expect(node(1).received.length).to.be.within(850, 950);
  });
});

describe('World: delivery rules', () => {
  it('connection: a request sent just before a disconnect is lost; labrpc: it arrives', () => {
    for (const rule of ['connection', 'labrpc'] as const) {
      const { world, node } = probeWorld(3, 1, rule);
      world.applyFault({ kind: 'profile', profile: 'unreliable' }); // requests wait 0–27 ms
      for (let n = 0; n < 20; n++) send(world, 0, 1, request(n));
      world.applyFault({ kind: 'isolate', node: 1 }); // at once: every request is in flight
      world.scheduler.runUntilTime(100_000);
      const arrived = node(1).received.length;
      if (rule === 'connection') expect(arrived, rule).to.equal(0);
      else expect(arrived, rule).to.be.within(14, 20); // all but the 10 % the network loses
      // Either way the replies met a cut link when they left: none reached the caller.
      expect(node(0).received, rule).to.have.length(0);
    }
  });

  it('labrpc: a reply that left before the cut arrives, however long it was held back', () => {
    const { world, node } = probeWorld(3, 1, 'labrpc');
    world.applyFault({ kind: 'profile', profile: 'longReordering' });
    for (let n = 0; n < 30; n++) send(world, 0, 1, request(n));
    // every request has arrived and been answered; most replies are held back 0.2–2.2 s
    world.scheduler.runUntilTime(30_000);
    const answered = node(1).received.length;
    const early = node(0).received.length;
    world.applyFault({ kind: 'isolate', node: 0 });
    world.scheduler.runUntilTime(3_000_000);
    expect(early).to.be.below(answered / 2);
    expect(node(0).received.length).to.be.above(early); // late replies crossed the cut
  });

  it('labrpc: a message to a crashed node is still lost (the call died with the server)', () => {
    const { world, node } = probeWorld(3, 1, 'labrpc');
    send(world, 0, 1, request(1));
    world.crash(1);
    world.restart(1);
    world.scheduler.runUntilTime(10_000);
    expect(node(1).received).to.have.length(0);
  });

  it('a world that names no rule uses the connection rule', () => {
    const world = new World({ nodes: 2, seed: 1, profile: reliable, program: probeProgram() });
    expect(world.delivery).to.equal('connection');
  });
});

describe('World: crash and restart', () => {
  it('a crash drops the timers and every message in flight to the node', () => {
    const { world, node, records } = probeWorld();
    world.host(1).run(() => [{ kind: 'setTimer', name: 'election', afterMicros: 5_000 }]);
    send(world, 0, 1, request(1));
    world.crash(1);
    world.scheduler.runUntilTime(1_000); // the request arrives while 1 is down
    world.restart(1);
    send(world, 2, 1, request(2)); // to the new incarnation: delivered
    world.scheduler.runUntilTime(20_000);
    expect(node(1).timersFired).to.deep.equal([]);
    expect(node(1).received.map((r) => r.message.n)).to.deep.equal([2]);
    expect(records.filter((r) => r.kind === 'drop')).to.have.length(1);
  });

  it('a message sent before a crash does not reach the restarted node', () => {
    const { world, node } = probeWorld();
    world.applyFault({ kind: 'profile', profile: 'longReordering' });
    send(world, 0, 1, request(1)); // requests wait up to 27 ms
    world.crash(1);
    world.restart(1);
    world.scheduler.runUntilTime(100_000);
    expect(node(1).received).to.have.length(0);
  });

  it('restart boots from exactly the persisted copy, untouched by the dead instance', () => {
    const { world } = probeWorld();
    const state = Uint8Array.from([1, 2, 3]);
    world
      .host(0)
      .run(() => [{ kind: 'persist', raftState: state, snapshot: Uint8Array.from([9]) }]);
    world
      .host(0)
      .run(() => [
        { kind: 'persist', raftState: Uint8Array.from([4, 5]), snapshot: Uint8Array.from([9]) },
      ]);
    const oldPersister = world.host(0).persister;
    world.crash(0);
    oldPersister.save(Uint8Array.from([66]), Uint8Array.from([66])); // the dead instance writes on
    world.restart(0);
    const booted = (world.host(0).instance as ProbeNode).context;
    expect([...booted.raftState]).to.deep.equal([4, 5]);
    expect([...booted.snapshot]).to.deep.equal([9]);
    expect(world.host(0).persister.raftStateSize()).to.equal(2);
  });

  it('a crashed node runs no input, and a restart gets a fresh seed', () => {
    const { world } = probeWorld();
    const firstSeed = (world.host(0).instance as ProbeNode).context.seed;
    world.crash(0);
    world.host(0).run(() => {
      throw new Error('must not run');
    });
    world.restart(0);
    expect((world.host(0).instance as ProbeNode).context.seed).to.not.equal(firstSeed);
  });

  it('inputs that arrive while effects run are queued, never interleaved', () => {
    const { world } = probeWorld();
    const order: string[] = [];
    world.onApply((_node, index) => {
      order.push(`apply ${index}`);
      if (index === 1) world.host(0).run(() => (order.push('nested input'), []));
    });
    world.host(0).run(() => [
      { kind: 'apply', message: 1 },
      { kind: 'apply', message: 2 },
    ]);
    expect(order).to.deep.equal(['apply 1', 'apply 2', 'nested input']);
  });

  it('scheduled faults apply at their virtual times', () => {
    const { world, records } = probeWorld();
    world.scheduleFaults([
      { at: 2_000, step: { kind: 'crash', node: 1 } },
      { at: 1_000, step: { kind: 'isolate', node: 0 } },
      { at: 3_000, step: { kind: 'restart', node: 1 } },
    ]);
    world.scheduler.runUntilTime(5_000);
    const faults = records.filter((r) => ['crash', 'restart', 'link'].includes(r.kind));
    expect(faults.map((r) => [r.t, r.kind])).to.deep.equal([
      [1_000, 'link'],
      [2_000, 'crash'],
      [3_000, 'restart'],
    ]);
  });
});

describe('World: pause and resume', () => {
  it('a paused node runs nothing; on resume it handles what waited, in order', () => {
    const { world, node } = probeWorld();
    world.host(1).run(() => [{ kind: 'setTimer', name: 'tick', afterMicros: 1_000 }]);
    world.applyFault({ kind: 'pause', node: 1 });
    send(world, 0, 1, request(1));
    send(world, 2, 1, request(2));
    world.scheduler.runUntilTime(50_000);
    expect(node(1).received).to.have.length(0);
    expect(node(1).timersFired).to.deep.equal([]);
    world.applyFault({ kind: 'resume', node: 1 });
    expect(node(1).received.map((r) => r.message.n)).to.deep.equal([1, 2]);
    expect(node(1).timersFired).to.deep.equal(['tick']);
  });

  it('pauseLeader stops whoever leads then; resumePaused wakes every paused node', () => {
    const { world, node } = probeWorld(5);
    world.leaderResolver = () => 3;
    world.applyFault({ kind: 'pauseLeader' });
    world.applyFault({ kind: 'pause', node: 1 });
    expect([0, 1, 2, 3, 4].map((n) => world.host(n).paused)).to.deep.equal([
      false,
      true,
      false,
      true,
      false,
    ]);
    send(world, 0, 3, request(1));
    world.scheduler.runUntilTime(10_000);
    expect(node(3).received).to.have.length(0);
    world.applyFault({ kind: 'resumePaused' });
    expect([0, 1, 2, 3, 4].map((n) => world.host(n).paused)).to.deep.equal(
      new Array(5).fill(false),
    );
    expect(node(3).received.map((r) => r.message.n)).to.deep.equal([1]);
  });

  it('pauseLeader with no leader pauses nobody', () => {
    const { world } = probeWorld(3);
    world.leaderResolver = () => null;
    world.applyFault({ kind: 'pauseLeader' });
    expect([0, 1, 2].map((n) => world.host(n).paused)).to.deep.equal([false, false, false]);
  });

  it('a crash while paused drops what waited', () => {
    const { world, node } = probeWorld();
    world.applyFault({ kind: 'pause', node: 1 });
    send(world, 0, 1, request(1));
    world.scheduler.runUntilTime(10_000);
    world.crash(1);
    world.restart(1);
    world.applyFault({ kind: 'resume', node: 1 });
    expect(node(1).received).to.have.length(0);
  });
});

describe('World: stalled links', () => {
  it('a link that holds more than its cap fails the run as a storm', () => {
    const world = new World({
      nodes: 3,
      seed: 1,
      profile: reliable,
      program: probeProgram(),
      maxHeldPerLink: 3,
    });
    world.start();
    world.applyFault({ kind: 'stall', from: 0, to: 1 });
    for (let n = 1; n <= 3; n++) send(world, 0, 1, request(n));
    world.scheduler.runUntilTime(10_000); // three held: at the cap, not past it
    send(world, 0, 1, request(4));
    expect(() => world.scheduler.runUntilTime(20_000)).to.throw(
      SimulationError,
      /held-message cap reached: link 0->1 holds 3 messages/,
    );
  });

  it('a stalled link holds what it carries, in order, and delivers it on release', () => {
    const { world, node } = probeWorld();
    world.applyFault({ kind: 'stall', from: 0, to: 1 });
    for (let n = 1; n <= 3; n++) {
      send(world, 0, 1, request(n));
      world.scheduler.runUntilTime(n * 1_000); // each arrives (and waits) before the next leaves
    }
    send(world, 2, 1, request(9)); // other links into 1 still flow
    world.scheduler.runUntilTime(50_000);
    expect(node(1).received.map((r) => r.message.n)).to.deep.equal([9]);
    world.applyFault({ kind: 'release' });
    world.scheduler.runUntilTime(50_001);
    expect(node(1).received.map((r) => r.message.n)).to.deep.equal([9, 1, 2, 3]);
  });

  it('a partition and a heal on top of a stall leave it stalled; nothing held is lost', () => {
    const { world, node, records } = probeWorld();
    world.applyFault({ kind: 'stall', from: 0, to: 1 });
    send(world, 0, 1, request(1));
    world.scheduler.runUntilTime(10_000);
    world.applyFault({ kind: 'isolate', node: 0 });
    send(world, 0, 1, request(2)); // the link is down when it leaves: lost
    world.applyFault({ kind: 'heal' });
    send(world, 0, 1, request(3)); // up again but still stalled: held
    world.scheduler.runUntilTime(20_000);
    expect(node(1).received).to.have.length(0);
    world.applyFault({ kind: 'release' });
    world.scheduler.runUntilTime(20_001);
    expect(node(1).received.map((r) => r.message.n)).to.deep.equal([1, 3]);
    expect(records.filter((r) => r.kind === 'loss')).to.have.length(1);
  });

  it('what was held is dropped on release if the link is down or the node restarted', () => {
    const { world, node } = probeWorld();
    world.applyFault({ kind: 'stall', from: 0, to: 1 });
    world.applyFault({ kind: 'stall', from: 2, to: 1 });
    send(world, 0, 1, request(1));
    send(world, 2, 1, request(2));
    world.scheduler.runUntilTime(10_000);
    world.applyFault({ kind: 'cut', from: 0, to: 1 });
    world.crash(1);
    world.restart(1);
    world.applyFault({ kind: 'release' });
    world.scheduler.runUntilTime(20_000);
    expect(node(1).received).to.have.length(0);
  });

  it("partitionLeader with clients: the clients reach only the leader's side", () => {
    // Nodes 0-4 are servers, 5 and 6 clients.
    const config = {
      nodes: 7,
      faultDomain: 5,
      seed: 1,
      profile: reliable,
      program: probeProgram(),
    };
    const world = new World(config);
    const servers = new World(config);
    world.leaderResolver = () => 4;
    servers.leaderResolver = () => 4;
    world.applyFault({ kind: 'partitionLeader', followers: 1, clients: true }); // {4, 0}
    servers.applyFault({ kind: 'partitionLeader', followers: 1 });
    for (const client of [5, 6]) {
      expect(world.network.isUp(client, 4)).to.equal(true);
      expect(world.network.isUp(client, 0)).to.equal(true);
      expect(world.network.isUp(client, 2)).to.equal(false);
      expect(world.network.isUp(2, client)).to.equal(false);
      expect(servers.network.isUp(client, 2)).to.equal(true); // without: clients reach every side
    }
    expect(world.network.isUp(5, 6)).to.equal(true);
  });

  it('leader faults resolve against whoever leads when they apply', () => {
    const { world, node } = probeWorld(5);
    world.leaderResolver = () => 3;
    world.applyFault({ kind: 'stallLeader' }); // the link 4 -> 3
    world.applyFault({ kind: 'partitionLeader', followers: 1 }); // {3, 4} | {0, 1, 2}
    expect(world.network.isUp(4, 3)).to.equal(true);
    expect(world.network.isUp(3, 0)).to.equal(false);
    expect(world.network.isUp(0, 1)).to.equal(true);
    send(world, 4, 3, request(1));
    send(world, 0, 3, request(2));
    world.scheduler.runUntilTime(10_000);
    expect(node(3).received).to.have.length(0);
    world.applyFault({ kind: 'heal' });
    world.applyFault({ kind: 'release' });
    world.scheduler.runUntilTime(20_000);
    expect(node(3).received.map((r) => r.message.n)).to.deep.equal([1]);
  });
});

describe("World: a node's panic", () => {
  const panicOf = (act: () => void): NodePanicError | null => {
    try {
      act();
      return null;
    } catch (error) {
      if (error instanceof NodePanicError) return error;
      throw error;
    }
  };

  it("a send to no such peer, or to itself, is the node's panic, named for it", () => {
    const { world } = probeWorld();
    expect(panicOf(() => send(world, 1, 3, request(1)))?.node).to.equal(1);
    expect(panicOf(() => send(world, 2, 2, request(1)))?.message).to.match(/no such peer 2/);
    expect(panicOf(() => send(world, 0, 1, request(1)))).to.equal(null);
  });

  it("JavaScript's errors for a slip in the node's code are its panic; others go on as they are", () => {
    const { world } = probeWorld();
    const slip = panicOf(() =>
      world.host(0).run(() => (undefined as unknown as { entries: [] }).entries),
    );
    expect(slip?.node).to.equal(0);
    expect(slip?.message).to.match(/node 0 threw TypeError/);
    const own = new SimulationError('the node meant this');
    expect(() =>
      world.host(1).run(() => {
        throw own;
      }),
    ).to.throw(own);
  });

  it('an error the program names as a panic (a decode that failed) is one too, in its words', () => {
    class Undecodable extends Error {}
    const program = {
      ...probeProgram(),
      panicOf: (error: unknown) => (error instanceof Undecodable ? 'could not decode it' : null),
    };
    const world = new World({ nodes: 3, seed: 1, profile: reliable, program });
    world.start();
    const panic = panicOf(() =>
      world.host(2).run(() => {
        throw new Undecodable();
      }),
    );
    expect(panic?.node).to.equal(2);
    expect(panic?.message).to.equal('node 2 could not decode it');
    const other = new SimulationError('not named');
    expect(() =>
      world.host(0).run(() => {
        throw other;
      }),
    ).to.throw(other);
  });
});
