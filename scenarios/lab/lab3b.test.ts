import { checkOneLeader, nCommitted, one, TERM_MOVED, wait } from './checks.js';
import { ELECTION_TIMEOUT, type LabCluster } from './harness.js';
import { labPart, labTest } from './lab-test.js';
import { seconds } from '../../sim/time.js';

const THREE = { servers: 3, reliable: true, snapshot: false } as const;
const FIVE = { servers: 5, reliable: true, snapshot: false } as const;

/** A random printable string of `length` characters from the lab stream. */
function randomString(cfg: LabCluster, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[cfg.random.int(0, 63)];
  return text;
}

labPart('Lab 3B: log replication', () => {
  labTest('TestBasicAgree3B', THREE, async (cfg) => {
    for (let index = 1; index <= 3; index++) {
      if (nCommitted(cfg, index).count > 0) cfg.fail('some have committed before Start()');
      const got = await one(cfg, index * 100, cfg.n, false);
      if (got !== index) cfg.fail(`got index ${got} but expected ${index}`);
    }
  });

  labTest('TestRPCBytes3B', THREE, async (cfg) => {
    await one(cfg, 99, cfg.n, false);
    const bytes0 = cfg.bytesTotal();
    let sent = 0;
    for (let index = 2; index < 12; index++) {
      const command = randomString(cfg, 5000);
      const got = await one(cfg, command, cfg.n, false);
      if (got !== index) cfg.fail(`got index ${got} but expected ${index}`);
      sent += command.length;
    }
    const got = cfg.bytesTotal() - bytes0;
    const expected = cfg.n * sent;
    if (got > expected + 50_000) cfg.fail(`too many RPC bytes; got ${got}, expected ${expected}`);
  });

  labTest('TestFollowerFailure3B', THREE, async (cfg) => {
    await one(cfg, 101, cfg.n, false);
    const leader1 = await checkOneLeader(cfg);
    cfg.disconnect((leader1 + 1) % cfg.n);
    // the leader and the remaining follower still agree
    await one(cfg, 102, cfg.n - 1, false);
    await cfg.sleep(ELECTION_TIMEOUT);
    await one(cfg, 103, cfg.n - 1, false);
    const leader2 = await checkOneLeader(cfg);
    cfg.disconnect((leader2 + 1) % cfg.n);
    cfg.disconnect((leader2 + 2) % cfg.n);
    const started = cfg.start(leader2, 104);
    if (!started.isLeader) cfg.fail('leader rejected Start()');
    if (started.index !== 4) cfg.fail(`expected index 4, got ${started.index}`);
    await cfg.sleep(2 * ELECTION_TIMEOUT);
    const n = nCommitted(cfg, started.index).count;
    if (n > 0) cfg.fail(`${n} committed but no majority`);
  });

  labTest('TestLeaderFailure3B', THREE, async (cfg) => {
    await one(cfg, 101, cfg.n, false);
    const leader1 = await checkOneLeader(cfg);
    cfg.disconnect(leader1);
    // the remaining followers elect a new leader
    await one(cfg, 102, cfg.n - 1, false);
    await cfg.sleep(ELECTION_TIMEOUT);
    await one(cfg, 103, cfg.n - 1, false);
    const leader2 = await checkOneLeader(cfg);
    cfg.disconnect(leader2);
    for (let i = 0; i < cfg.n; i++) cfg.start(i, 104);
    await cfg.sleep(2 * ELECTION_TIMEOUT);
    const n = nCommitted(cfg, 4).count;
    if (n > 0) cfg.fail(`${n} committed but no majority`);
  });

  labTest('TestFailAgree3B', THREE, async (cfg) => {
    await one(cfg, 101, cfg.n, false);
    const leader = await checkOneLeader(cfg);
    cfg.disconnect((leader + 1) % cfg.n);
    await one(cfg, 102, cfg.n - 1, false);
    await one(cfg, 103, cfg.n - 1, false);
    await cfg.sleep(ELECTION_TIMEOUT);
    await one(cfg, 104, cfg.n - 1, false);
    await one(cfg, 105, cfg.n - 1, false);
    // the follower rejoins and catches up
    cfg.connect((leader + 1) % cfg.n);
    await one(cfg, 106, cfg.n, true);
    await cfg.sleep(ELECTION_TIMEOUT);
    await one(cfg, 107, cfg.n, true);
  });

  labTest('TestFailNoAgree3B', FIVE, async (cfg) => {
    await one(cfg, 10, cfg.n, false);
    const leader = await checkOneLeader(cfg);
    for (let k = 1; k <= 3; k++) cfg.disconnect((leader + k) % cfg.n);
    const started = cfg.start(leader, 20);
    if (!started.isLeader) cfg.fail('leader rejected Start()');
    if (started.index !== 2) cfg.fail(`expected index 2, got ${started.index}`);
    await cfg.sleep(2 * ELECTION_TIMEOUT);
    const n = nCommitted(cfg, started.index).count;
    if (n > 0) cfg.fail(`${n} committed but no majority`);
    for (let k = 1; k <= 3; k++) cfg.connect((leader + k) % cfg.n);
    // the disconnected majority may have chosen a leader of its own, forgetting index 2
    const leader2 = await checkOneLeader(cfg);
    const started2 = cfg.start(leader2, 30);
    if (!started2.isLeader) cfg.fail('leader2 rejected Start()');
    if (started2.index < 2 || started2.index > 3) cfg.fail(`unexpected index ${started2.index}`);
    await one(cfg, 1000, cfg.n, true);
  });

  labTest('TestConcurrentStarts3B', THREE, async (cfg) => {
    const attempt = async (): Promise<boolean> => {
      const leader = await checkOneLeader(cfg);
      const first = cfg.start(leader, 1);
      if (!first.isLeader) return false;
      const indexes: number[] = [];
      for (let k = 0; k < 5; k++) {
        const started = cfg.start(leader, 100 + k);
        if (started.term !== first.term || !started.isLeader) continue;
        indexes.push(started.index);
      }
      for (let j = 0; j < cfg.n; j++) if (cfg.getState(j).term !== first.term) return false;
      const committed: number[] = [];
      for (const index of indexes) {
        const value = await wait(cfg, index, cfg.n, first.term);
        if (value === TERM_MOVED) return false; // the term moved on: try again
        if (typeof value !== 'number') return cfg.fail(`value ${value} is not an int`);
        committed.push(value);
      }
      for (let k = 0; k < 5; k++) {
        if (!committed.includes(100 + k))
          cfg.fail(`cmd ${100 + k} missing in ${committed.join(',')}`);
      }
      return true;
    };
    for (let tries = 0; tries < 5; tries++) {
      if (tries > 0) await cfg.sleep(seconds(3));
      if (await attempt()) return;
    }
    cfg.fail('term changed too often');
  });

  labTest('TestRejoin3B', THREE, async (cfg) => {
    await one(cfg, 101, cfg.n, true);
    // the leader goes, and takes some entries that must never commit
    const leader1 = await checkOneLeader(cfg);
    cfg.disconnect(leader1);
    cfg.start(leader1, 102);
    cfg.start(leader1, 103);
    cfg.start(leader1, 104);
    await one(cfg, 103, 2, true);
    const leader2 = await checkOneLeader(cfg);
    cfg.disconnect(leader2);
    // the old leader comes back with its stale entries
    cfg.connect(leader1);
    await one(cfg, 104, 2, true);
    cfg.connect(leader2);
    await one(cfg, 105, cfg.n, true);
  });

  labTest('TestBackup3B', FIVE, async (cfg) => {
    await one(cfg, cfg.randomValue(), cfg.n, true);
    // the leader and one follower in a minority
    const leader1 = await checkOneLeader(cfg);
    for (let k = 2; k <= 4; k++) cfg.disconnect((leader1 + k) % cfg.n);
    for (let k = 0; k < 50; k++) cfg.start(leader1, cfg.randomValue());
    await cfg.sleep(ELECTION_TIMEOUT / 2);
    cfg.disconnect(leader1);
    cfg.disconnect((leader1 + 1) % cfg.n);
    // the other three form a majority and commit
    for (let k = 2; k <= 4; k++) cfg.connect((leader1 + k) % cfg.n);
    for (let k = 0; k < 50; k++) await one(cfg, cfg.randomValue(), 3, true);
    // cut one of them (not its leader): the leader accumulates uncommittable entries
    const leader2 = await checkOneLeader(cfg);
    let other = (leader1 + 2) % cfg.n;
    if (leader2 === other) other = (leader2 + 1) % cfg.n;
    cfg.disconnect(other);
    for (let k = 0; k < 50; k++) cfg.start(leader2, cfg.randomValue());
    await cfg.sleep(ELECTION_TIMEOUT / 2);
    // the first leader, its follower and the server just cut form a majority
    for (let i = 0; i < cfg.n; i++) cfg.disconnect(i);
    cfg.connect(leader1);
    cfg.connect((leader1 + 1) % cfg.n);
    cfg.connect(other);
    for (let k = 0; k < 50; k++) await one(cfg, cfg.randomValue(), 3, true);
    for (let i = 0; i < cfg.n; i++) cfg.connect(i);
    await one(cfg, cfg.randomValue(), cfg.n, true);
  });

  labTest('TestCount3B', THREE, async (cfg) => {
    await checkOneLeader(cfg);
    const elected = cfg.rpcTotal();
    if (elected > 30 || elected < 1)
      cfg.fail(`too many or few RPCs (${elected}) to elect initial leader`);
    let total2 = 0;
    const attempt = async (): Promise<boolean> => {
      const leader = await checkOneLeader(cfg);
      const total1 = cfg.rpcTotal();
      const first = cfg.start(leader, 1);
      if (!first.isLeader) return false;
      const values: number[] = [];
      for (let i = 1; i <= 11; i++) {
        const value = cfg.randomValue();
        values.push(value);
        const started = cfg.start(leader, value);
        if (started.term !== first.term || !started.isLeader) return false;
        if (started.index !== first.index + i) cfg.fail('Start() failed');
      }
      for (let i = 1; i <= 10; i++) {
        const value = await wait(cfg, first.index + i, cfg.n, first.term);
        if (value === TERM_MOVED) return false;
        if (value !== values[i - 1])
          cfg.fail(
            `wrong value ${value} committed for index ${first.index + i}; expected ${values[i - 1]}`,
          );
      }
      for (let j = 0; j < cfg.n; j++) if (cfg.getState(j).term !== first.term) return false;
      total2 = cfg.rpcTotal();
      if (total2 - total1 > (10 + 1 + 3) * 3)
        cfg.fail(`too many RPCs (${total2 - total1}) for 10 entries`);
      return true;
    };
    let success = false;
    for (let tries = 0; tries < 5 && !success; tries++) {
      if (tries > 0) await cfg.sleep(seconds(3));
      success = await attempt();
    }
    if (!success) cfg.fail('term changed too often');
    await cfg.sleep(ELECTION_TIMEOUT);
    const idle = cfg.rpcTotal() - total2;
    if (idle > 3 * 20) cfg.fail(`too many RPCs (${idle}) for 1 second of idleness`);
  });
});
