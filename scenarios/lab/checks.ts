import { millis, seconds } from '../../sim/time.js';
import type { LabCluster } from './harness.js';
import type { LabValue } from './values.js';

/**
 * The lab's checks, in its own vocabulary, on virtual time. Each fails the test through
 * cluster.fail with the lab's message.
 */

/** Up to 10 rounds of 450–550 ms: the leader of the highest term; two leaders in a term fail. */
export async function checkOneLeader(cfg: LabCluster): Promise<number> {
  for (let round = 0; round < 10; round++) {
    await cfg.sleep(millis(450 + cfg.random.int(0, 100)));
    const leaders = new Map<number, number[]>();
    for (let i = 0; i < cfg.n; i++) {
      if (!cfg.isConnected(i)) continue;
      const { term, isLeader } = cfg.getState(i);
      if (isLeader) leaders.set(term, [...(leaders.get(term) ?? []), i]);
    }
    let lastTermWithLeader = -1;
    for (const [term, inTerm] of leaders) {
      if (inTerm.length > 1) cfg.fail(`term ${term} has ${inTerm.length} (>1) leaders`);
      lastTermWithLeader = Math.max(lastTermWithLeader, term);
    }
    const leader = leaders.get(lastTermWithLeader);
    if (leader !== undefined) return leader[0] as number;
  }
  return cfg.fail('expected one leader, got none');
}

/** Every connected server reports the same term. */
export function checkTerms(cfg: LabCluster): number {
  let term = -1;
  for (let i = 0; i < cfg.n; i++) {
    if (!cfg.isConnected(i)) continue;
    const here = cfg.getState(i).term;
    if (term === -1) term = here;
    else if (term !== here) cfg.fail('servers disagree on term');
  }
  return term;
}

/** No connected server believes it is leader. */
export function checkNoLeader(cfg: LabCluster): void {
  for (let i = 0; i < cfg.n; i++) {
    if (cfg.isConnected(i) && cfg.getState(i).isLeader) {
      cfg.fail(`expected no leader among connected servers, but ${i} claims to be leader`);
    }
  }
}

export function nCommitted(
  cfg: LabCluster,
  index: number,
): { count: number; value: LabValue | undefined } {
  try {
    return cfg.applier.nCommitted(index);
  } catch (error) {
    return cfg.fail(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Offers `value` to connected servers in turn until one accepts as leader, then waits up to 2 s
 * for `expected` servers to apply it at the returned index. Without `retry`, a failure to
 * commit there fails the test; with it, tries again. Gives up after 10 s.
 */
export async function one(
  cfg: LabCluster,
  value: LabValue,
  expected: number,
  retry: boolean,
): Promise<number> {
  const t0 = cfg.now;
  let next = 0;
  while (cfg.now - t0 < seconds(10)) {
    let index = -1;
    for (let tried = 0; tried < cfg.n; tried++) {
      next = (next + 1) % cfg.n;
      if (!cfg.isConnected(next) || !cfg.isAlive(next)) continue;
      const started = cfg.start(next, value);
      if (started.isLeader) {
        index = started.index;
        break;
      }
    }
    if (index === -1) {
      await cfg.sleep(millis(50));
      continue;
    }
    const t1 = cfg.now;
    while (cfg.now - t1 < seconds(2)) {
      const { count, value: there } = nCommitted(cfg, index);
      if (count > 0 && count >= expected && there === value) return index;
      await cfg.sleep(millis(20));
    }
    if (!retry) cfg.fail(`one(${shortValue(value)}) failed to reach agreement`);
  }
  return cfg.fail(`one(${shortValue(value)}) failed to reach agreement`);
}

/** What wait() returns when a term moved on while it waited. */
export const TERM_MOVED = null;

/**
 * Waits (10 ms doubling up to 1 s, 30 polls) for `n` servers to apply `index`. Returns -1 if
 * some server's term moved past `startTerm` (when startTerm >= 0): the caller retries.
 * (The lab returns -1 for that; a lab value can be any int, so here it is TERM_MOVED.)
 */
export async function wait(
  cfg: LabCluster,
  index: number,
  n: number,
  startTerm: number,
): Promise<LabValue | typeof TERM_MOVED> {
  let pause = millis(10);
  for (let poll = 0; poll < 30; poll++) {
    if (nCommitted(cfg, index).count >= n) break;
    await cfg.sleep(pause);
    if (pause < seconds(1)) pause *= 2;
    if (startTerm > -1) {
      for (let i = 0; i < cfg.n; i++) {
        if (cfg.isAlive(i) && cfg.getState(i).term > startTerm) return TERM_MOVED;
      }
    }
  }
  const { count, value } = nCommitted(cfg, index);
  if (count < n) cfg.fail(`only ${count} decided for index ${index}; wanted ${n}`);
  return value as LabValue;
}

function shortValue(value: LabValue): string {
  const text = String(value);
  return text.length > 20 ? `${text.slice(0, 17)}...` : text;
}
