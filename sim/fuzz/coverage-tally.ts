import {
  featureKind,
  SOMETIMES,
  SOMETIMES_NAMES,
  type FeatureKind,
  type RunCoverage,
} from '../monitors/coverage.js';

/**
 * A campaign's coverage, merged one run at a time in seed order (so that it never depends on
 * which worker finished first): how many runs reached each feature and each rare situation, and
 * how many distinct transitions the campaign had reached after each run.
 */
export class CoverageTally {
  /** Per feature, the number of runs that reached it. */
  readonly hits = new Map<number, number>();
  readonly distinct: Record<FeatureKind, number> = { state: 0, transition: 0, message: 0 };
  readonly sometimes = new Array<number>(SOMETIMES_NAMES.length).fill(0);
  /** Distinct transitions after each run. */
  readonly curve: number[] = [];

  get runs(): number {
    return this.curve.length;
  }

  /** Adds one run; returns how many of its features no earlier run had reached. */
  add(coverage: RunCoverage): number {
    let fresh = 0;
    for (const feature of coverage.features) {
      const before = this.hits.get(feature) ?? 0;
      if (before === 0) {
        fresh++;
        this.distinct[featureKind(feature)]++;
      }
      this.hits.set(feature, before + 1);
    }
    SOMETIMES_NAMES.forEach((_, i) => {
      if ((coverage.sometimes & (1 << i)) !== 0) this.sometimes[i]!++;
    });
    this.curve.push(this.distinct.transition);
    return fresh;
  }

  /** The report's figures, as plain data (what --json prints). */
  summary(): CoverageSummary {
    return {
      runs: this.runs,
      states: this.distinct.state,
      transitions: this.distinct.transition,
      messages: this.distinct.message,
      curve: sampleCurve(this.curve, 50),
      sometimes: SOMETIMES_NAMES.map((name, i) => ({
        name,
        situation: SOMETIMES[name],
        runs: this.sometimes[i] as number,
      })),
    };
  }
}

export interface CoverageSummary {
  readonly runs: number;
  readonly states: number;
  readonly transitions: number;
  readonly messages: number;
  /** [runs, distinct transitions] at up to 50 evenly spaced points, the last run included. */
  readonly curve: readonly (readonly [number, number])[];
  readonly sometimes: readonly { name: string; situation: string; runs: number }[];
}

function sampleCurve(curve: readonly number[], points: number): [number, number][] {
  const out: [number, number][] = [];
  if (curve.length === 0) return out;
  const step = Math.max(1, Math.ceil(curve.length / points));
  for (let i = step - 1; i < curve.length; i += step) out.push([i + 1, curve[i] as number]);
  if (out[out.length - 1]?.[0] !== curve.length) out.push([curve.length, curve.at(-1) as number]);
  return out;
}
