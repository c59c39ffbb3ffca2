import type { Micros } from './time.js';

/** One fault, as data: what a schedule is made of and what a repro file stores verbatim. */
export type FaultStep =
  /** Only nodes of the same group can talk; nodes in no group are isolated. */
  | { readonly kind: 'partition'; readonly groups: readonly (readonly number[])[] }
  /** Cut the one-way link from → to (the other direction is untouched). */
  | { readonly kind: 'cut'; readonly from: number; readonly to: number }
  | { readonly kind: 'isolate'; readonly node: number }
  /** Every link up again (crashed nodes stay down). */
  | { readonly kind: 'heal' }
  | { readonly kind: 'crash'; readonly node: number }
  | { readonly kind: 'restart'; readonly node: number }
  | { readonly kind: 'profile'; readonly profile: string };

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
    case 'isolate':
      return `isolate ${step.node}`;
    case 'heal':
      return 'heal';
    case 'crash':
      return `crash ${step.node}`;
    case 'restart':
      return `restart ${step.node}`;
    case 'profile':
      return `profile ${step.profile}`;
  }
}
