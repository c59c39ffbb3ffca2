import { hashBytes, type AppliedView } from './view.js';

/**
 * State machine safety over what nodes apply: per node a gap-free, strictly increasing run of
 * indexes (a snapshot may jump forward, never back), and one command per index everywhere.
 */
export class AppliedRecord {
  private readonly upTo: number[];
  private readonly hashAt: number[] = [];

  constructor(servers: number) {
    this.upTo = new Array<number>(servers).fill(0);
  }

  /** A restarted node resumes after what it restored. */
  restart(node: number, lastApplied: number): void {
    this.upTo[node] = lastApplied;
  }

  /** Why this apply breaks SMS, or null. */
  apply(node: number, applied: AppliedView): string | null {
    const upTo = this.upTo[node] as number;
    if (!applied.commandValid) {
      if (applied.snapshotIndex <= upTo) {
        return `node ${node} applies snapshot ${applied.snapshotIndex} after applying ${upTo}`;
      }
      this.upTo[node] = applied.snapshotIndex;
      return null;
    }
    const index = applied.commandIndex;
    if (index !== upTo + 1) return `node ${node} applies index ${index} after ${upTo}`;
    const hash = hashBytes(applied.command);
    const other = this.hashAt[index];
    if (other !== undefined && other !== hash) {
      return `node ${node} applies a command at ${index} that differs from another node's`;
    }
    this.hashAt[index] = hash;
    this.upTo[node] = index;
    return null;
  }
}
