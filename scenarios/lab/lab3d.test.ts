import { expect } from 'chai';
import type { RaftMessage } from '../../raft/messages.js';
import type { RaftNode } from '../../raft/node.js';
import { decodeState, encodeState } from '../../raft/persist.js';
import { raftProgram } from '../../raft/program.js';
import { logIndex, term, type ApplyMsg } from '../../raft/types.js';
import type { Program } from '../../sim/program.js';
import { checkOneLeader, one } from './checks.js';
import type { LabCluster } from './harness.js';
import { labPart, labTest, runLabTest, underMocha } from './lab-test.js';
import { SNAPSHOT_INTERVAL } from './applier.js';
import { encodeValue } from './values.js';

/**
 * The lab fails a test once a server's persisted Raft state (without the snapshot) reaches 2000
 * bytes of labgob: a bound on the log's length. labgob spends about 19 bytes on an entry of the
 * lab's `{Term int; Command interface{}}` holding a `rand.Int()` (two field tags, the type name
 * "int" that goes with every interface value, the value's length and its 8 bytes, the end of
 * the struct) and about 70 on the type descriptors and the other fields, so 2000 bytes hold
 * about (2000 - 70) / 19 = 101 entries. The bound here is what this project's encoding takes
 * for as many entries; 2000 of its own bytes would let about 176 through.
 */
const LAB_LOG_ENTRIES = Math.floor((2000 - 70) / 19);
const MAX_LOG_SIZE = encodeState(
  {
    currentTerm: term(1),
    votedFor: null,
    snapshotIndex: logIndex(0),
    snapshotTerm: term(0),
    entries: Array.from({ length: LAB_LOG_ENTRIES }, () => ({
      term: term(1),
      command: encodeValue(0x7fff_ffff),
    })),
  },
  new Uint8Array(0),
).length;

interface SnapshotCase {
  readonly disconnect: boolean;
  readonly reliable: boolean;
  readonly crash: boolean;
}

/**
 * 30 rounds of: cut or crash a victim (a follower, or every third round the leader), push enough
 * entries for a snapshot, check the state size, bring the victim back (it may need
 * InstallSnapshot to catch up).
 */
async function snapshotCommon(cfg: LabCluster, c: SnapshotCase): Promise<void> {
  await one(cfg, cfg.randomValue(), cfg.n, true);
  let leader1 = await checkOneLeader(cfg);
  for (let round = 0; round < 30; round++) {
    let victim = (leader1 + 1) % cfg.n;
    let sender = leader1;
    if (round % 3 === 1) {
      sender = (leader1 + 1) % cfg.n;
      victim = leader1;
    }
    if (c.disconnect) {
      cfg.disconnect(victim);
      await one(cfg, cfg.randomValue(), cfg.n - 1, true);
    }
    if (c.crash) {
      cfg.crash1(victim);
      await one(cfg, cfg.randomValue(), cfg.n - 1, true);
    }
    // perhaps enough entries for a snapshot
    const count = SNAPSHOT_INTERVAL / 2 + cfg.random.int(0, SNAPSHOT_INTERVAL - 1);
    for (let k = 0; k < count; k++) if (cfg.isAlive(sender)) cfg.start(sender, cfg.randomValue());
    // with no faults every follower catches up without InstallSnapshot
    const faulty = c.disconnect || c.crash;
    await one(cfg, cfg.randomValue(), faulty ? cfg.n - 1 : cfg.n, true);
    if (cfg.logSize() >= MAX_LOG_SIZE) cfg.fail(`Log size too large (${cfg.logSize()} bytes)`);
    if (c.disconnect) {
      // the victim may be behind the snapshot and need InstallSnapshot
      cfg.connect(victim);
      await one(cfg, cfg.randomValue(), cfg.n, true);
      leader1 = await checkOneLeader(cfg);
    }
    if (c.crash) {
      cfg.start1(victim);
      cfg.connect(victim);
      await one(cfg, cfg.randomValue(), cfg.n, true);
      leader1 = await checkOneLeader(cfg);
    }
  }
}

/** The lab's kill(all) then restart(all). */
function restartAll(cfg: LabCluster): void {
  cfg.kill(cfg.all());
  cfg.restart(cfg.all());
}

const SNAPSHOT_INIT = { servers: 3, reliable: false, snapshot: true };

labPart('Lab 3D: log compaction', () => {
  const cases: [string, SnapshotCase][] = [
    ['TestSnapshotBasic3D', { disconnect: false, reliable: true, crash: false }],
    ['TestSnapshotInstall3D', { disconnect: true, reliable: true, crash: false }],
    ['TestSnapshotInstallUnreliable3D', { disconnect: true, reliable: false, crash: false }],
    ['TestSnapshotInstallCrash3D', { disconnect: false, reliable: true, crash: true }],
    ['TestSnapshotInstallUnCrash3D', { disconnect: false, reliable: false, crash: true }],
  ];
  for (const [name, c] of cases) {
    labTest(name, { servers: 3, reliable: c.reliable, snapshot: true }, (cfg) =>
      snapshotCommon(cfg, c),
    );
  }

  labTest(
    'TestSnapshotAllCrash3D',
    { servers: 3, reliable: false, snapshot: true },
    async (cfg) => {
      await one(cfg, cfg.randomValue(), cfg.n, true);
      for (let round = 0; round < 5; round++) {
        const count = SNAPSHOT_INTERVAL / 2 + cfg.random.int(0, SNAPSHOT_INTERVAL - 1);
        for (let k = 0; k < count; k++) await one(cfg, cfg.randomValue(), cfg.n, true);
        const index1 = await one(cfg, cfg.randomValue(), cfg.n, true);
        restartAll(cfg);
        const index2 = await one(cfg, cfg.randomValue(), cfg.n, true);
        if (index2 < index1 + 1) cfg.fail(`index decreased from ${index1} to ${index2}`);
      }
    },
  );

  labTest('TestSnapshotInit3D', SNAPSHOT_INIT, snapshotInit);
});

/** Does a restarted Raft still hold its snapshot when it saves again? */
async function snapshotInit(cfg: LabCluster): Promise<void> {
  await one(cfg, cfg.randomValue(), cfg.n, true);
  // enough ops to make a snapshot
  for (let k = 0; k < SNAPSHOT_INTERVAL + 1; k++) await one(cfg, cfg.randomValue(), cfg.n, true);
  restartAll(cfg);
  // a single op, to get something written back to persistent storage
  await one(cfg, cfg.randomValue(), cfg.n, true);
  restartAll(cfg);
  // does the restarted Raft still have its snapshot?
  await one(cfg, cfg.randomValue(), cfg.n, true);
}

/**
 * A Raft that reads its state back on restart but not its snapshot (Go's `rf.snapshot` left
 * nil): it knows the snapshot's index and term, holds no snapshot bytes, and its next save
 * erases the snapshot on disk. Built over the correct Raft by booting it without the snapshot.
 */
export function forgetfulRaft(): Program<RaftMessage, ApplyMsg, RaftNode> {
  const correct = raftProgram();
  const none = new Uint8Array(0);
  return {
    ...correct,
    name: 'raft (forgets its snapshot on restart)',
    boot: (context) => {
      if (context.snapshot.length === 0) return correct.boot(context);
      const state = decodeState(context.raftState, context.snapshot, context.nodes);
      return correct.boot({ ...context, raftState: encodeState(state, none), snapshot: none });
    },
  };
}

if (underMocha()) {
  describe('TestSnapshotInit3D catches a Raft that forgets its snapshot on restart', () => {
    it('the forgetful Raft fails it on every one of 10 seeds, with an apply error', async () => {
      const variant = { ...SNAPSHOT_INIT, program: forgetfulRaft() };
      const test = { name: 'TestSnapshotInit3D', options: variant, body: snapshotInit };
      for (let seed = 1; seed <= 10; seed++) {
        const outcome = await runLabTest(test, seed).then(
          () => 'passed',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
        expect(outcome, `seed ${seed}`).to.match(/apply out of order|snapshot Decode\(\) error/);
      }
    });
  });
}
