import { expect } from 'chai';
import type { TraceRecord } from '../../sim/trace.js';
import { checkOneLeader, one } from './checks.js';
import { LabCluster } from './harness.js';
import { Persister } from '../../sim/storage.js';
import { logIndex, term } from '../../raft/types.js';

describe('the lab facade (Make, Start, GetState, Snapshot, Kill)', () => {
  it('Start on a killed peer says it is not leader; GetState says not leader either', async () => {
    const cfg = new LabCluster({ servers: 3, reliable: true, snapshot: false, seed: 1 });
    await cfg.tasks.drive(async () => {
      const leader = await checkOneLeader(cfg);
      const raft = cfg.rafts[leader];
      cfg.crash1(leader);
      expect(raft?.killed()).to.equal(true);
      expect(raft?.start(5)).to.deep.include({ isLeader: false });
      expect(raft?.getState().isLeader).to.equal(false);
      expect(cfg.start(leader, 5).isLeader).to.equal(false);
    });
  });

  it('Snapshot beyond the commit index or below the current snapshot is ignored, with a trace note', async () => {
    const cfg = new LabCluster({ servers: 3, reliable: true, snapshot: false, seed: 2 });
    const notes: TraceRecord[] = [];
    cfg.world.trace.subscribe((r) => {
      if (r.kind === 'note' && r.detail.startsWith('snapshot(')) notes.push(r);
    });
    await cfg.tasks.drive(async () => {
      for (let v = 1; v <= 3; v++) await one(cfg, v, 3, false);
      const leader = await checkOneLeader(cfg);
      const raft = cfg.rafts[leader];
      raft?.snapshot(99, Uint8Array.of(1));
      raft?.snapshot(2, Uint8Array.of(1));
      raft?.snapshot(1, Uint8Array.of(1));
    });
    expect(notes.map((n) => n.detail)).to.deep.equal([
      'snapshot(99) ignored: beyond commitIndex 3',
      'snapshot(1) ignored: not above snapshot 2',
    ]);
  });

  it('Make boots a peer from the persister it is given', async () => {
    const cfg = new LabCluster({ servers: 3, reliable: true, snapshot: false, seed: 3 });
    await cfg.tasks.drive(async () => {
      await one(cfg, 42, 3, false);
      cfg.start1(0);
      cfg.connect(0);
      expect(cfg.world.host(0).persister.raftStateSize()).to.be.greaterThan(0);
      await one(cfg, 43, 3, true);
    });
    expect(cfg.applier.logs[0]?.get(2)).to.equal(43);
  });

  it("the Persister is Go's: a save with a null or empty snapshot erases the one saved before", () => {
    const persister = new Persister();
    persister.save(Uint8Array.of(1), Uint8Array.of(7, 7));
    persister.save(Uint8Array.of(2), Uint8Array.of(7, 7));
    expect([...persister.readSnapshot()]).to.deep.equal([7, 7]);
    persister.save(Uint8Array.of(3), null);
    expect(persister.snapshotSize()).to.equal(0);
    expect([...persister.readRaftState()]).to.deep.equal([3]);
    // An empty snapshot (Go's nil slice, as a Raft that forgot its snapshot hands over) erases too.
    persister.save(Uint8Array.of(4), Uint8Array.of(8));
    persister.save(Uint8Array.of(5), new Uint8Array(0));
    expect(persister.snapshotSize()).to.equal(0);
  });

  it("the network is labrpc's: a request sent just before a disconnect still arrives", async () => {
    const cfg = new LabCluster({ servers: 3, reliable: true, snapshot: false, seed: 4 });
    expect(cfg.world.delivery).to.equal('labrpc');
    await cfg.tasks.drive(async () => {
      const leader = await checkOneLeader(cfg);
      const follower = (leader + 1) % 3;
      const before = cfg.rpcCount(follower);
      const node = cfg.world.host(leader).instance;
      if (node === null) throw new Error('the leader is down');
      // A heartbeat as the leader would send it (the monitors hold every message to the truth).
      const heartbeat = {
        type: 'AppendEntries' as const,
        term: term(node.term),
        prevLogIndex: logIndex(node.lastLogIndex),
        prevLogTerm: term(node.termAt(node.lastLogIndex) ?? 0),
        entries: [],
        leaderCommit: logIndex(node.commitIndex),
      };
      cfg.world
        .host(leader)
        .run(() => [{ kind: 'send', to: follower, message: heartbeat } as const]);
      cfg.disconnect(follower); // at the same virtual instant: the request is on its way
      await cfg.sleep(10_000);
      expect(cfg.rpcCount(follower)).to.equal(before + 1);
    });
  });
});
