import { checkNoLeader, checkOneLeader, checkTerms } from './checks.js';
import { ELECTION_TIMEOUT } from './harness.js';
import { labPart, labTest } from './lab-test.js';
import { millis } from '../../sim/time.js';

labPart('Lab 3A: leader election', () => {
  labTest('TestInitialElection3A', { servers: 3, reliable: true, snapshot: false }, async (cfg) => {
    await checkOneLeader(cfg);
    // all peers agree on a term after a moment
    await cfg.sleep(millis(50));
    const term1 = checkTerms(cfg);
    if (term1 < 1) cfg.fail(`term is ${term1}, but should be at least 1`);
    // with no failures the term stays put (the lab only warns), and a leader remains
    await cfg.sleep(2 * ELECTION_TIMEOUT);
    const term2 = checkTerms(cfg);
    if (term1 !== term2)
      process.stdout.write('    warning: term changed even though there were no failures\n');
    await checkOneLeader(cfg);
  });

  labTest('TestReElection3A', { servers: 3, reliable: true, snapshot: false }, async (cfg) => {
    const leader1 = await checkOneLeader(cfg);
    // the leader leaves: a new one is elected
    cfg.disconnect(leader1);
    await checkOneLeader(cfg);
    // the old leader rejoins: still exactly one leader
    cfg.connect(leader1);
    const leader2 = await checkOneLeader(cfg);
    // no quorum: no leader
    cfg.disconnect(leader2);
    cfg.disconnect((leader2 + 1) % cfg.n);
    await cfg.sleep(2 * ELECTION_TIMEOUT);
    checkNoLeader(cfg);
    // quorum again: a leader
    cfg.connect((leader2 + 1) % cfg.n);
    await checkOneLeader(cfg);
    cfg.connect(leader2);
    await checkOneLeader(cfg);
  });

  labTest('TestManyElections3A', { servers: 7, reliable: true, snapshot: false }, async (cfg) => {
    await checkOneLeader(cfg);
    for (let round = 1; round < 10; round++) {
      const victims = [0, 1, 2].map(() => cfg.random.int(0, cfg.n - 1));
      for (const v of victims) cfg.disconnect(v);
      // either the remaining four (or more) elect a leader, or they already have one
      await checkOneLeader(cfg);
      for (const v of victims) cfg.connect(v);
    }
    await checkOneLeader(cfg);
  });
});
