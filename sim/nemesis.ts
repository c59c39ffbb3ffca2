import type { Micros } from './time.js';

/** One fault, as data: what a schedule is made of and what a repro file stores verbatim. */
export type FaultStep =
  /** Only nodes of the same group can talk; nodes in no group are isolated. */
  | { readonly kind: 'partition'; readonly groups: readonly (readonly number[])[] }
  /** Cut the one-way link from → to (the other direction is untouched). */
  | { readonly kind: 'cut'; readonly from: number; readonly to: number }
  /**
   * The one-way link from → to stops delivering: what it carries waits, in order, until the
   * stalls are released (a connection whose reader stalled). Messages come late, not lost;
   * partitions and heals on top of a stall leave it stalled.
   */
  | { readonly kind: 'stall'; readonly from: number; readonly to: number }
  /**
   * Resolved when applied: the link into whoever leads then from the node after it (by id,
   * wrapping) stalls; that follower's replies pile up while the rest of the cluster talks.
   */
  | { readonly kind: 'stallLeader' }
  /** Every stalled link delivers what it holds, in order, and flows again. */
  | { readonly kind: 'release' }
  | { readonly kind: 'isolate'; readonly node: number }
  /** Every link up again (crashed nodes stay down, stalled links stay stalled). */
  | { readonly kind: 'heal' }
  /** Two sides that cannot talk, and one node that talks to both (a bridge). */
  | {
      readonly kind: 'bridge';
      readonly left: readonly number[];
      readonly right: readonly number[];
      readonly bridge: number;
    }
  | { readonly kind: 'crash'; readonly node: number }
  /**
   * A crash inside a step: the node dies after performing `afterEffects` effects of the next
   * input it handles (0: before the first); the effects after that point never happen. An
   * input with fewer effects is performed whole and the node dies right after it.
   */
  | { readonly kind: 'crashMidInput'; readonly node: number; readonly afterEffects: number }
  /**
   * A crash at the persistence boundary: the node performs `saves` more saves, then dies as the
   * next one is about to reach the disk, so that save and every effect after it in the same
   * input never happen, while the effects before it (messages already sent) did. A correct node
   * saves before it speaks, so for it this is a crash before the save's input goes on; a node
   * that answers before saving is caught in exactly the window where that matters.
   */
  | { readonly kind: 'crashAtSave'; readonly node: number; readonly saves: number }
  /**
   * From now on each save on the node takes a virtual latency drawn from [1, maxMicros] (the
   * run's `disk` stream), during which the node handles nothing: the effects after the save
   * and every input that arrives wait, in order. A save lands when its latency is over; a
   * crash before that loses it. maxMicros 0: the disk is fast again.
   */
  | { readonly kind: 'slowDisk'; readonly node: number; readonly maxMicros: number }
  /**
   * The node's saved state is damaged while it is down (a running node is crashed first):
   * `truncate` cuts the file at `wherePerMille` of its length (keeping a byte at least: an empty
   * file is a node that never saved), `flip` inverts one bit there;
   * `torn` pairs the newest Raft state with the snapshot saved before the newest one (file and
   * place unused). A node must refuse to boot on it.
   */
  | {
      readonly kind: 'damage';
      readonly node: number;
      readonly damage: DamageKind;
      readonly file: SavedFile;
      readonly wherePerMille: number;
    }
  | { readonly kind: 'restart'; readonly node: number }
  /** Resolved when applied: whoever leads then (nothing happens if no node does). */
  | { readonly kind: 'isolateLeader' }
  /**
   * Resolved when applied: whoever leads then, with the `followers` nodes after it (by id,
   * wrapping), is cut off from the rest: a deposed leader that keeps a follower or two and
   * keeps taking writes. With `clients`, the clients (nodes past the fault domain) are on the
   * leader's side too: a datacenter cut off with its users, who can reach nothing else.
   */
  | {
      readonly kind: 'partitionLeader';
      readonly followers: number;
      readonly clients?: boolean;
    }
  | { readonly kind: 'crashLeader' }
  /** Every crashed node boots again. */
  | { readonly kind: 'restartCrashed' }
  | { readonly kind: 'profile'; readonly profile: string }
  /** The node stops running until resumed: what reaches it waits (a GC pause, a stalled VM). */
  | { readonly kind: 'pause'; readonly node: number }
  /**
   * Resolved when applied: whoever leads then is paused. A leader that wakes after its followers
   * elected another still believes it leads, and acts on what waited for it in its old term.
   */
  | { readonly kind: 'pauseLeader' }
  | { readonly kind: 'resume'; readonly node: number }
  /** Every paused node runs again. */
  | { readonly kind: 'resumePaused' }
  /** The node's clock runs at this rate, per mille of real time, from now on. */
  | { readonly kind: 'clock'; readonly node: number; readonly ratePerMille: number }
  /** Switches one network behaviour on or off on top of the profile. */
  | { readonly kind: 'knob'; readonly knob: NetworkKnob; readonly on: boolean };

/**
 * Network behaviours a schedule can switch on and off over any profile: message duplication,
 * long delays past an election timeout, and labrpc's long reordering of replies.
 */
export type NetworkKnob = 'duplicate' | 'longDelay' | 'longReorder';
export const NETWORK_KNOBS: readonly NetworkKnob[] = ['duplicate', 'longDelay', 'longReorder'];

export type DamageKind = 'truncate' | 'flip' | 'torn';
export const DAMAGE_KINDS: readonly DamageKind[] = ['truncate', 'flip', 'torn'];
export type SavedFile = 'state' | 'snapshot';
export const SAVED_FILES: readonly SavedFile[] = ['state', 'snapshot'];

export interface TimedFault {
  readonly at: Micros;
  readonly step: FaultStep;
}

/** The one way a fault is written: trace lines, summaries and reports share it. */
export function describeFault(step: FaultStep): string {
  switch (step.kind) {
    case 'partition':
      return `partition ${step.groups.map((g) => `{${g.join(',')}}`).join(' ')}`;
    case 'cut':
      return `cut ${step.from}->${step.to}`;
    case 'stall':
      return `stall ${step.from}->${step.to}`;
    case 'stallLeader':
      return 'stall the link into the leader from the next node';
    case 'release':
      return 'release stalled links';
    case 'isolate':
      return `isolate ${step.node}`;
    case 'heal':
      return 'heal';
    case 'bridge':
      return `bridge {${step.left.join(',')}} <${step.bridge}> {${step.right.join(',')}}`;
    case 'crash':
      return `crash ${step.node}`;
    case 'restart':
      return `restart ${step.node}`;
    case 'crashMidInput':
      return `crash ${step.node} after effect ${step.afterEffects} of its next input`;
    case 'crashAtSave':
      return `crash ${step.node} at its save ${step.saves + 1} from now`;
    case 'slowDisk':
      return step.maxMicros === 0
        ? `disk of ${step.node} fast again`
        : `disk of ${step.node} slow (saves up to ${step.maxMicros / 1000} ms)`;
    case 'damage':
      return step.damage === 'torn'
        ? `damage ${step.node}: torn state/snapshot pair`
        : `damage ${step.node}: ${step.damage} its ${step.file} at ${step.wherePerMille / 10}%`;
    case 'isolateLeader':
      return 'isolate the leader';
    case 'partitionLeader':
      return (
        `partition the leader with ${step.followers} follower${step.followers === 1 ? '' : 's'}` +
        (step.clients === true ? ' and the clients' : '')
      );
    case 'crashLeader':
      return 'crash the leader';
    case 'restartCrashed':
      return 'restart every crashed node';
    case 'profile':
      return `profile ${step.profile}`;
    case 'pause':
      return `pause ${step.node}`;
    case 'pauseLeader':
      return 'pause the leader';
    case 'resumePaused':
      return 'resume every paused node';
    case 'resume':
      return `resume ${step.node}`;
    case 'clock':
      return `clock of ${step.node} at ${(step.ratePerMille / 1000).toFixed(3)}x`;
    case 'knob':
      return `${step.knob} ${step.on ? 'on' : 'off'}`;
  }
}
