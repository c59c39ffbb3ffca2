import { checkOneLeader, one } from './checks.js';
import type { LabCluster } from './harness.js';
import { labPart, labTest } from './lab-test.js';
import { SNAPSHOT_INTERVAL } from './applier.js';

/** The Raft state (without the snapshot) must stay under this many bytes. */
const MAX_LOG_SIZE = 2000;

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

  labTest('TestSnapshotInit3D', { servers: 3, reliable: false, snapshot: true }, async (cfg) => {
    await one(cfg, cfg.randomValue(), cfg.n, true);
    // enough ops to make a snapshot
    for (let k = 0; k < SNAPSHOT_INTERVAL + 1; k++) await one(cfg, cfg.randomValue(), cfg.n, true);
    restartAll(cfg);
    // a single op, to get something written back to persistent storage
    await one(cfg, cfg.randomValue(), cfg.n, true);
    restartAll(cfg);
    // does the restarted Raft still have its snapshot?
    await one(cfg, cfg.randomValue(), cfg.n, true);
  });
});
