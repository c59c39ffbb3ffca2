import { episodeEnd, PLAIN_SNAPSHOT_THRESHOLD, SNAPSHOT_EVERY_ENTRY } from './arbitraries.js';
import type { FuzzConfig } from './config.js';
import { foldConfig } from './fold.js';
import { Candidates, trimSteps, type Failing, type Judge, type TrimLimits } from './trim.js';

/**
 * Shrinking a configuration held as data, with no generator behind it (a guided run's mutated
 * configuration): what fast-check's shrinking does for a drawn one. Three passes, each candidate
 * a full run that counts only if it fails the same way:
 *
 * 1. a smaller cluster (ids folded), first, since every later run is then cheaper (never when
 *    the user fixed the size);
 * 2. the trim (trim.ts): steps dropped one at a time;
 * 3. a plainer world: each fault episode halved while it still fails, then, until none of them
 *    applies, a simpler network, fewer clerks and keys, no think time, no appends (gets and puts
 *    only), snapshots past a threshold rather than after every entry, the default Raft options
 *    and delivery rule.
 *
 * The three go round again while a round changes anything. The budget counts runs over all of
 * them, so the whole is bounded and deterministic.
 */
export function reduceConfig(
  start: Failing,
  kind: string,
  judge: Judge,
  limits: TrimLimits,
  fixedSize = false,
): Failing {
  const candidates = new Candidates(start, kind, judge, limits);
  // Each pass can open the way for another (a step that mattered on an unreliable network may
  // not on a reliable one; a simpler world may fold onto fewer servers): again until a round
  // changes nothing.
  for (let changed = true; changed && !candidates.spent();) {
    const before = candidates.best;
    // The user chose the cluster size (`--nodes`): it stays, as in every other pass.
    if (!fixedSize) foldSmaller(candidates);
    trimSteps(candidates);
    halveEpisodes(candidates);
    plainerWorld(candidates);
    changed = candidates.best !== before;
  }
  return candidates.best;
}

function foldSmaller(candidates: Candidates): void {
  for (const servers of [3, 5]) {
    const config = candidates.best.config;
    if (servers < config.servers && candidates.attempt(foldConfig(config, servers))) return;
  }
}

function halveEpisodes(candidates: Candidates): void {
  for (let i = 0; i < candidates.best.config.schedule.length && !candidates.spent(); i++) {
    while (candidates.attempt(shortened(candidates.best.config, i)));
  }
}

function plainerWorld(candidates: Candidates): void {
  for (let changed = true; changed && !candidates.spent();) {
    changed = false;
    for (const plainer of PLAINER) {
      if (candidates.attempt(plainer(candidates.best.config))) changed = true;
    }
  }
}

/** The episode started by step `i` lasts half as long (null: it has no end, or none to halve). */
function shortened(config: FuzzConfig, i: number): FuzzConfig | null {
  const steps = config.schedule;
  const start = steps[i];
  if (start === undefined) return null;
  const j = episodeEnd(steps, i);
  const ending = j < 0 ? undefined : steps[j];
  if (ending === undefined || ending.at - start.at < 2_000) return null;
  const moved = { ...ending, at: start.at + Math.floor((ending.at - start.at) / 2) };
  const schedule = [...steps.slice(0, j), ...steps.slice(j + 1), moved].sort((a, b) => a.at - b.at);
  return { ...config, schedule };
}

type Plainer = (config: FuzzConfig) => FuzzConfig | null;

/** Simplifications of everything but the schedule, each null when there is nothing to simplify. */
const PLAINER: readonly Plainer[] = [
  (c) => (c.profile === 'reliable' ? null : { ...c, profile: 'reliable' }),
  (c) => (c.workload.clerks > 1 ? { ...c, workload: { ...c.workload, clerks: 1 } } : null),
  (c) =>
    c.workload.clerks > 2
      ? { ...c, workload: { ...c.workload, clerks: c.workload.clerks - 1 } }
      : null,
  (c) => (c.workload.keys > 1 ? { ...c, workload: { ...c.workload, keys: 1 } } : null),
  (c) =>
    c.workload.thinkMaxMicros > 0
      ? { ...c, workload: { ...c.workload, thinkMinMicros: 0, thinkMaxMicros: 0 } }
      : null,
  (c) => {
    if ((c.workload.appendPerMille ?? 0) === 0) return null;
    const { appendPerMille: _appends, ...puts } = c.workload;
    return { ...c, workload: puts };
  },
  (c) => {
    if ((c.workload.blankPerMille ?? 0) === 0) return null;
    const { blankPerMille: _blank, ...valued } = c.workload;
    return { ...c, workload: valued };
  },
  (c) => {
    if ((c.workload.strayPerMille ?? 0) === 0) return null;
    const { strayPerMille: _stray, ...known } = c.workload;
    return { ...c, workload: known };
  },
  (c) =>
    c.maxRaftStateBytes === SNAPSHOT_EVERY_ENTRY
      ? { ...c, maxRaftStateBytes: PLAIN_SNAPSHOT_THRESHOLD }
      : null,
  (c) => {
    if (c.applierLagMicros === undefined) return null;
    const { applierLagMicros: _lag, ...rest } = c;
    return rest;
  },
  (c) => {
    if (c.raft === undefined) return null;
    const { raft: _raft, ...rest } = c;
    return rest;
  },
  (c) => {
    if (c.delivery === undefined) return null;
    const { delivery: _delivery, ...rest } = c;
    return rest;
  },
];
