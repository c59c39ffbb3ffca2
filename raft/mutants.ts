/**
 * Deliberately broken Rafts: the bug zoo of docs/spec/bug-zoo.md, each a realistic bug a
 * fuzzer must catch. A node built with a mutant takes the broken branch at one or two guarded
 * places (search for `mutant ===`); with none (the default) it is the correct Raft, and each
 * guard costs one comparison of a field with a constant.
 *
 * To add a mutant: give it an id and a one-line description here, add the guarded branch where
 * the bug lives, and add a regression repro (see docs/mutants.md, "Adding a mutant").
 */
export const MUTANTS = {
  Z01: 'duplicate vote counted twice',
  Z02: 'votedFor not persisted before the vote is granted',
  Z03: "up-to-date check uses the candidate's current term, not its last log term",
  Z04: 'a lower-term message lowers currentTerm',
  Z05: 'election timer reset on any RPC (liveness)',
  Z06: 'heartbeat skips the consistency check',
  Z07: 'follower truncates after prevLogIndex unconditionally',
  Z08: 'AppendEntries accepted from a stale leader',
  Z09: 'reply from an older term processed',
  Z10: 'previous-term entry committed by counting replicas (Figure 8)',
  Z11: 'wrong quorum arithmetic',
  Z12: 'follower commit not clamped to the last new entry',
  Z13: 'currentTerm persisted only with log changes',
  Z14: 'log truncation not persisted',
  Z15: 'stale InstallSnapshot rolls state back',
  Z16: 'wrong lastIncludedTerm recorded',
  Z17: 'lastApplied/commitIndex not restored from the snapshot on restart',
  Z18: 'apply skips entries when commitIndex jumps',
  Z19: 'clerk reports ErrVersion on a resend as definite',
  Z20: 'gets answered locally by a possibly deposed leader',
} as const;

export type MutantId = keyof typeof MUTANTS;
export const MUTANT_IDS = Object.keys(MUTANTS) as MutantId[];

/**
 * Broken builds kept out of the zoo: they break the simulator's own defences, or show what one
 * kind of run is for, rather than stand for the bugs a campaign hunts; tests run them to show
 * the defence or the run holds.
 */
export const OUTSIDE_ZOO = {
  S01: "leader's nextIndex guards removed: duplicated rejections each start another walk back",
  S02: 'a vote needs both a last term and a last index as large: no leader with the wrong minority down',
  S03: 'a leader answers every successful append reply with another append: a busy loop once idle',
  S04: "a follower's election timer reset only by appends that carry entries: elections once idle",
  S05: 'a voter with nothing past its snapshot takes its last term as 0: stale candidates win votes',
  S06: "the service snapshots at Raft's commit index: a lagging applier's snapshot lacks entries",
  S07: "a clerk's next guess after a refusal does not wrap around: it sends to a server that is not there",
  S08: 'a vote majority counted as at least half: on an even cluster two halves each elect a leader',
  S09: 'the commit index taken from the sorted match indexes one place early: half commits on an even cluster',
  S10: "the service never notes the size of Raft's saves: it never snapshots, and Raft's log grows without end",
  S11: "a call stays in the server's waiting table after its answer: a leak that grows with every call",
  S12: 'a get takes a key that holds the empty value for a missing one: ErrNoKey, as if never written',
} as const;

/** What a node can be built as, besides correct: a zoo mutant or a build outside the zoo. */
export type BrokenBuild = MutantId | keyof typeof OUTSIDE_ZOO;

export function isMutantId(text: string): text is MutantId {
  return Object.hasOwn(MUTANTS, text);
}
