/**
 * Timing of a Raft node, in virtual microseconds. The defaults fit the lab's tests: heartbeats
 * at 10 a second (the lab's ceiling), election timeouts well above a heartbeat interval plus the
 * unreliable network's 27 ms delay, and short enough that a new leader appears within the 5 s
 * the tests allow even after a few split votes.
 */
export interface RaftOptions {
  /** Election timeouts are drawn uniformly from [min, max] by the node's own generator. */
  readonly electionTimeoutMinMicros: number;
  readonly electionTimeoutMaxMicros: number;
  /** How often a leader sends AppendEntries to every follower, entries or not. */
  readonly heartbeatIntervalMicros: number;
  /**
   * How long a leader waits after a propose before sending the new entries, so that proposals
   * made at the same moment travel in one AppendEntries per follower.
   */
  readonly batchDelayMicros: number;
  /** The most entries one AppendEntries carries; the rest follow as replies come back. */
  readonly maxEntriesPerAppend: number;
  /** How far a leader moves nextIndex back when a follower rejects AppendEntries. */
  readonly backup: BackupPolicy;
}

/**
 * Where a rejected AppendEntries sends nextIndex. All three are correct Raft: backing up
 * further than needed costs only resent entries. They differ in what followers get to see, and
 * so in which follower bugs a run can expose.
 * - `fast`: the lab handout's rule from the reply's XTerm, XIndex and XLen (lands exactly on
 *   the first entry that differs).
 * - `byOne`: Figure 2's rule, one index per rejection.
 * - `toMatch`: back to just after what the follower last acknowledged, as etcd raft does when a
 *   pipelined follower rejects; a follower then hears entries it already holds again.
 */
export type BackupPolicy = 'fast' | 'byOne' | 'toMatch';
export const BACKUP_POLICIES: readonly BackupPolicy[] = ['fast', 'byOne', 'toMatch'];

export const DEFAULT_RAFT_OPTIONS: RaftOptions = {
  electionTimeoutMinMicros: 300_000,
  electionTimeoutMaxMicros: 600_000,
  heartbeatIntervalMicros: 100_000,
  batchDelayMicros: 1_000,
  maxEntriesPerAppend: 128,
  backup: 'fast',
};

/** Fills in defaults and rejects nonsense with an error naming the option and its value. */
export function resolveOptions(options: Partial<RaftOptions> = {}): RaftOptions {
  const resolved: RaftOptions = { ...DEFAULT_RAFT_OPTIONS, ...options };
  if (!BACKUP_POLICIES.includes(resolved.backup)) {
    throw new RangeError(
      `raftProgram: option backup must be one of ${BACKUP_POLICIES.join(', ')}, ` +
        `got ${String(resolved.backup)}`,
    );
  }
  for (const [name, value] of Object.entries(resolved)) {
    if (name === 'backup') continue;
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new RangeError(`raftProgram: option ${name} must be an integer >= 0, got ${value}`);
    }
  }
  const { electionTimeoutMinMicros: min, electionTimeoutMaxMicros: max } = resolved;
  if (min <= 0 || min > max) {
    throw new RangeError(`raftProgram: election timeout range [${min}, ${max}] is empty or zero`);
  }
  if (resolved.heartbeatIntervalMicros <= 0 || resolved.heartbeatIntervalMicros >= min) {
    throw new RangeError(
      `raftProgram: heartbeatIntervalMicros ${resolved.heartbeatIntervalMicros} must be > 0 ` +
        `and below electionTimeoutMinMicros ${min}`,
    );
  }
  if (resolved.maxEntriesPerAppend < 1) {
    throw new RangeError(`raftProgram: maxEntriesPerAppend must be >= 1`);
  }
  return resolved;
}
