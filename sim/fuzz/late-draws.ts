import fc from 'fast-check';
import { millis, type Micros } from '../time.js';
import type { FuzzConfig } from './config.js';
import { foldConfig } from './fold.js';

/**
 * The draws a seed makes last, after the rest of its configuration (sim/fuzz/arbitraries.ts):
 * each is taken by about one seed in eight, on an integer of its own, so that adding one leaves
 * every other seed's configuration as it was.
 */

/** The largest cluster a schedule is drawn for; smaller clusters fold node ids onto theirs. */
export const MAX_SERVERS = 7;

/**
 * A threshold below any Raft state's size: the service snapshots as it applies each entry, so a
 * server with nothing uncommitted holds no entry past its snapshot. Only then do the paths that
 * read the snapshot's index and term as the log's last (a vote's up-to-date check, an append's
 * previous entry at the snapshot) run on every server at every step; under the drawn thresholds
 * (SNAPSHOT_THRESHOLDS) a server seldom has an empty log, since a snapshot covers only what was
 * applied.
 */
export const SNAPSHOT_EVERY_ENTRY = 1;

/**
 * True for about one seed in `n` (fast-check's bias toward the ends of a range moves the share a
 * little); shrinks toward false. The draws made last (below) use it, each on its own integer, so
 * that adding one leaves every other draw of a seed as it was.
 */
function oneSeedIn(n: number): fc.Arbitrary<boolean> {
  return fc.integer({ min: 1, max: n }).map((k) => k === n);
}

/**
 * About one seed in eight snapshots after every entry (fast-check's bias toward the ends of a
 * range moves the share a little). Drawn after everything else, so that every other seed's
 * configuration is what it is without this draw; shrinks toward the drawn threshold.
 */
export const snapshotEveryEntry = oneSeedIn(8);

/** The drawn threshold, or SNAPSHOT_EVERY_ENTRY if the seed drew that. */
export function withEveryEntry<T extends { maxRaftStateBytes: number; everyEntry: boolean }>(
  config: T,
): Omit<T, 'everyEntry'> {
  const { everyEntry, ...rest } = config;
  return everyEntry ? { ...rest, maxRaftStateBytes: SNAPSHOT_EVERY_ENTRY } : rest;
}

/**
 * How far behind Raft a lagging service applies (raft/kv/applier.ts): a batch waits up to this
 * long, about one heartbeat's worth at most, so that a server's applied index trails its commit
 * index while snapshots are taken, installed and sent, as a slow service goroutine's does.
 */
export const APPLIER_LAGS: readonly Micros[] = [millis(5), millis(50), millis(200)];

/**
 * About one seed in eight has a lagging applier, with one of APPLIER_LAGS; the rest apply inside
 * Raft's step (0). Drawn after everything else, snapshots after every entry included, so that
 * the rest of a seed's configuration is what it is without this draw; shrinks toward 0.
 */

export const applierLag: fc.Arbitrary<Micros> = fc
  .tuple(oneSeedIn(8), fc.constantFrom(...APPLIER_LAGS))
  .map(([lagging, lag]) => (lagging ? lag : 0));

/** The drawn lag as the configuration holds it: absent when the service applies at once. */
export function withApplierLag<T extends { applierLagMicros: Micros }>(
  config: T,
): Omit<T, 'applierLagMicros'> & { applierLagMicros?: Micros } {
  const { applierLagMicros, ...rest } = config;
  return applierLagMicros > 0 ? { ...rest, applierLagMicros } : rest;
}

/**
 * About one seed in eight runs an even cluster: the odd size it drew plus one node (seven less
 * one). On an odd cluster `2 * votes >= n` and `2 * votes > n` agree, and so do the other slips
 * at the edge of a majority; on four or six nodes two halves can each elect or commit. Drawn
 * last, like the draws above, so that every other seed's configuration stays what it is; shrinks
 * toward the odd size.
 */
export const evenCluster = oneSeedIn(8);

/** The even size beside a drawn odd one: one node more, or one fewer for the largest. */
export function evenSizeBeside(servers: number): number {
  return servers < MAX_SERVERS ? servers + 1 : servers - 1;
}

/** The configuration on the even size beside its own, if the seed drew one (ids fold). */
export function withEvenCluster(config: FuzzConfig, even: boolean): FuzzConfig {
  return even ? foldConfig(config, evenSizeBeside(config.servers)) : config;
}

/**
 * About one seed in eight has some puts name a version the clerk did not see
 * (`strayPerMille`, sim/run/workload.ts): a put of the version a clerk knows is refused only
 * when another write got there first, and never with ErrNoKey, so without these the service's
 * version check and its missing-key answer would go untried. Drawn last; shrinks toward none.
 */
export const STRAY_SHARES = [100, 300] as const;
export const strayPuts: fc.Arbitrary<number> = workloadShare(STRAY_SHARES);

/**
 * About one seed in eight has some puts write the empty value (`blankPerMille`,
 * sim/run/workload.ts): every other value a clerk writes is non-empty, so a service that takes
 * a key holding '' for a missing one (a test of the value's truth rather than of the key's
 * presence) would go untried. Drawn last; shrinks toward none.
 */
export const BLANK_SHARES = [100, 300] as const;
export const blankPuts: fc.Arbitrary<number> = workloadShare(BLANK_SHARES);

/** One seed in eight draws one of `shares` (per mille); the rest 0. */
function workloadShare(shares: readonly number[]): fc.Arbitrary<number> {
  return fc
    .tuple(oneSeedIn(8), fc.constantFrom(...shares))
    .map(([drawn, share]) => (drawn ? share : 0));
}

/** The workload with its stray and blank puts, if the seed drew them. */
export function withPutShares(
  config: FuzzConfig,
  strayPerMille: number,
  blankPerMille: number,
): FuzzConfig {
  const workload = {
    ...config.workload,
    ...(strayPerMille === 0 ? {} : { strayPerMille }),
    ...(blankPerMille === 0 ? {} : { blankPerMille }),
  };
  return strayPerMille === 0 && blankPerMille === 0 ? config : { ...config, workload };
}
