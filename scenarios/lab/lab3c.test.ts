import { checkOneLeader, nCommitted, one, wait } from './checks.js';
import { ELECTION_TIMEOUT, type LabCluster } from './harness.js';
import { labPart, labTest } from './lab-test.js';
import { millis } from '../../sim/time.js';

/** The Figure 8 tests' pause: rarely up to half an allowance, usually under 13 ms. */
async function figure8Pause(cfg: LabCluster): Promise<void> {
  if (cfg.random.int(0, 999) < 100) await cfg.sleep(millis(cfg.random.int(0, 499)));
  else await cfg.sleep(millis(cfg.random.int(0, 12)));
}

labPart('Lab 3C: persistence', () => {
  labTest('TestPersist13C', { servers: 3, reliable: true, snapshot: false }, async (cfg) => {
    await one(cfg, 11, cfg.n, true);
    cfg.kill(cfg.all());
    cfg.restart(cfg.all());
    await one(cfg, 12, cfg.n, true);
    const leader1 = await checkOneLeader(cfg);
    cfg.kill([leader1]);
    cfg.restart([leader1]);
    await one(cfg, 13, cfg.n, true);
    const leader2 = await checkOneLeader(cfg);
    cfg.kill([leader2]);
    await one(cfg, 14, cfg.n - 1, true);
    cfg.restart([leader2]);
    await wait(cfg, 4, cfg.n, -1); // leader2 rejoins before the next victim goes
    const i3 = ((await checkOneLeader(cfg)) + 1) % cfg.n;
    cfg.kill([i3]);
    await one(cfg, 15, cfg.n - 1, true);
    cfg.restart([i3]);
    await one(cfg, 16, cfg.n, true);
  });

  labTest('TestPersist23C', { servers: 5, reliable: true, snapshot: false }, async (cfg) => {
    let index = 1;
    for (let round = 0; round < 5; round++) {
      await one(cfg, 10 + index++, cfg.n, true);
      const leader1 = await checkOneLeader(cfg);
      const at = (k: number) => (leader1 + k) % cfg.n;
      cfg.kill([at(1), at(2)]);
      await one(cfg, 10 + index++, cfg.n - 2, true);
      cfg.kill([at(0), at(3), at(4)]); // everyone is down now
      cfg.restart([at(1), at(2)]);
      await cfg.sleep(ELECTION_TIMEOUT);
      cfg.restart([at(3)]);
      await one(cfg, 10 + index++, cfg.n - 2, true);
      cfg.restart([at(4)]);
      cfg.restart([at(0)]);
    }
    await one(cfg, 1000, cfg.n, true);
  });

  labTest('TestPersist33C', { servers: 3, reliable: true, snapshot: false }, async (cfg) => {
    await one(cfg, 101, 3, true);
    const leader = await checkOneLeader(cfg);
    const at = (k: number) => (leader + k) % cfg.n;
    cfg.disconnect(at(2));
    await one(cfg, 102, 2, true);
    cfg.crash1(at(0));
    cfg.crash1(at(1));
    cfg.connect(at(2));
    cfg.start1(at(0));
    cfg.connect(at(0));
    await one(cfg, 103, 2, true);
    cfg.start1(at(1));
    cfg.connect(at(1));
    await one(cfg, 104, cfg.n, true);
  });

  labTest('TestFigure83C', { servers: 5, reliable: true, snapshot: false }, async (cfg) => {
    await one(cfg, cfg.randomValue(), 1, true);
    let up = cfg.n;
    for (let round = 0; round < 1000; round++) {
      let leader = -1;
      for (let i = 0; i < cfg.n; i++) {
        if (cfg.isAlive(i) && cfg.start(i, cfg.randomValue()).isLeader) leader = i;
      }
      await figure8Pause(cfg);
      if (leader !== -1) {
        cfg.crash1(leader);
        up--;
      }
      if (up < 3) {
        const s = cfg.random.int(0, cfg.n - 1);
        if (!cfg.isAlive(s)) {
          cfg.start1(s);
          cfg.connect(s);
          up++;
        }
      }
    }
    for (let i = 0; i < cfg.n; i++) {
      if (!cfg.isAlive(i)) {
        cfg.start1(i);
        cfg.connect(i);
      }
    }
    await one(cfg, cfg.randomValue(), cfg.n, true);
  });

  labTest(
    'TestUnreliableAgree3C',
    { servers: 5, reliable: false, snapshot: false },
    async (cfg) => {
      const pending: Promise<number>[] = [];
      for (let round = 1; round < 50; round++) {
        for (let j = 0; j < 4; j++) pending.push(one(cfg, 100 * round + j, 1, true));
        await one(cfg, round, 1, true);
      }
      cfg.setReliable(true);
      await Promise.all(pending);
      await one(cfg, 100, cfg.n, true);
    },
  );

  labTest(
    'TestFigure8Unreliable3C',
    { servers: 5, reliable: false, snapshot: false },
    async (cfg) => {
      await one(cfg, cfg.random.int(0, 9999), 1, true);
      let up = cfg.n;
      for (let round = 0; round < 1000; round++) {
        if (round === 200) cfg.setLongReordering(true);
        let leader = -1;
        for (let i = 0; i < cfg.n; i++) {
          if (cfg.start(i, cfg.random.int(0, 9999)).isLeader && cfg.isConnected(i)) leader = i;
        }
        await figure8Pause(cfg);
        if (leader !== -1 && cfg.random.int(0, 999) < 500) {
          cfg.disconnect(leader);
          up--;
        }
        if (up < 3) {
          const s = cfg.random.int(0, cfg.n - 1);
          if (!cfg.isConnected(s)) {
            cfg.connect(s);
            up++;
          }
        }
      }
      for (let i = 0; i < cfg.n; i++) if (!cfg.isConnected(i)) cfg.connect(i);
      await one(cfg, cfg.random.int(0, 9999), cfg.n, true);
    },
  );

  for (const unreliable of [false, true]) {
    const name = unreliable ? 'TestUnreliableChurn3C' : 'TestReliableChurn3C';
    labTest(name, { servers: 5, reliable: !unreliable, snapshot: false }, (cfg) => churn(cfg));
  }
});

/** Three clients offer values while servers are cut, crashed and restarted at random. */
async function churn(cfg: LabCluster): Promise<void> {
  let stop = false;
  const client = async (me: number): Promise<number[]> => {
    const seen: number[] = [];
    while (!stop) {
      const value = cfg.randomValue();
      let index = -1;
      for (let i = 0; i < cfg.n; i++) {
        const started = cfg.isAlive(i) ? cfg.start(i, value) : null;
        if (started?.isLeader === true) index = started.index;
      }
      if (index === -1) {
        await cfg.sleep(millis(79 + me * 17));
        continue;
      }
      for (const pause of [10, 20, 50, 100, 200]) {
        const { count, value: there } = nCommitted(cfg, index);
        if (count > 0) {
          if (typeof there !== 'number') cfg.fail('wrong command type');
          if (there === value) seen.push(value);
          break;
        }
        await cfg.sleep(millis(pause));
      }
    }
    return seen;
  };
  const clients = [0, 1, 2].map((me) => client(me));
  for (let round = 0; round < 20; round++) {
    if (cfg.random.int(0, 999) < 200) cfg.disconnect(cfg.random.int(0, cfg.n - 1));
    if (cfg.random.int(0, 999) < 500) {
      const i = cfg.random.int(0, cfg.n - 1);
      if (!cfg.isAlive(i)) cfg.start1(i);
      cfg.connect(i);
    }
    if (cfg.random.int(0, 999) < 200) {
      const i = cfg.random.int(0, cfg.n - 1);
      if (cfg.isAlive(i)) cfg.crash1(i);
    }
    // a new leader must be able to finish before the next round's damage
    await cfg.sleep((ELECTION_TIMEOUT * 7) / 10);
  }
  await cfg.sleep(ELECTION_TIMEOUT);
  cfg.setReliable(true);
  for (let i = 0; i < cfg.n; i++) {
    if (!cfg.isAlive(i)) cfg.start1(i);
    cfg.connect(i);
  }
  stop = true;
  const committed = (await Promise.all(clients)).flat();
  await cfg.sleep(ELECTION_TIMEOUT);
  const lastIndex = await one(cfg, cfg.randomValue(), cfg.n, true);
  const really: number[] = [];
  for (let index = 1; index <= lastIndex; index++) {
    const value = await wait(cfg, index, cfg.n, -1);
    if (typeof value !== 'number') cfg.fail('not an int');
    really.push(value);
  }
  const log = new Set(really);
  for (const value of committed) if (!log.has(value)) cfg.fail(`didn't find a value ${value}`);
}
