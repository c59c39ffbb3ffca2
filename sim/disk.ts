import type { DamageKind, SavedFile } from './nemesis.js';
import { sameBytes, type Persister } from './storage.js';

/** One damage to a node's saved files, as a fault step describes it. */
export interface Damage {
  readonly damage: DamageKind;
  readonly file: SavedFile;
  readonly wherePerMille: number;
}

/**
 * Damages what `persister` holds, as a disk may while its machine is down. Returns what was
 * done, or null when there was nothing to damage (an empty file, a pair that cannot tear): then
 * the files are exactly as saved and the node may boot on them.
 */
export function damageSaved(persister: Persister, damage: Damage): string | null {
  const state = persister.readRaftState();
  const snapshot = persister.readSnapshot();
  if (damage.damage === 'torn') {
    const before = persister.readPreviousSnapshot();
    if (state.length === 0 || sameBytes(before, snapshot)) return null;
    persister.overwrite(state, before);
    return `newest raft state (${state.length}B) paired with the snapshot before (${before.length}B)`;
  }
  const bytes = damage.file === 'state' ? state : snapshot;
  if (bytes.length === 0) return null;
  const at = Math.floor((bytes.length * damage.wherePerMille) / 1000);
  let damaged: Uint8Array;
  let what: string;
  if (damage.damage === 'truncate') {
    // An empty file is a node that never saved: nothing could tell the two apart, so a cut
    // keeps at least one byte (and a one-byte file cannot be cut).
    const keep = 1 + Math.floor(((bytes.length - 1) * damage.wherePerMille) / 1000);
    if (keep >= bytes.length) return null;
    damaged = bytes.slice(0, keep);
    what = `${damage.file} truncated from ${bytes.length} to ${keep} bytes`;
  } else {
    damaged = bytes.slice();
    const bit = damage.wherePerMille % 8;
    damaged[at] = (damaged[at] as number) ^ (1 << bit);
    what = `${damage.file}: bit ${bit} of byte ${at} of ${bytes.length} flipped`;
  }
  if (damage.file === 'state') persister.overwrite(damaged, snapshot);
  else persister.overwrite(state, damaged);
  return what;
}
