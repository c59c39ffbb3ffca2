import type { Micros } from './time.js';

/** How long a message waits before delivery. */
export type Delay =
  | { readonly kind: 'uniform'; readonly minMicros: Micros; readonly maxMicros: Micros }
  /** Exponential with the given mean, cut at capMicros: most messages fast, a few slow. */
  | { readonly kind: 'exponential'; readonly meanMicros: Micros; readonly capMicros: Micros };

/**
 * A network's behaviour as data. Every probability is per mille and is drawn, per message,
 * from the run's `network` stream. Requests and replies are told apart because the labs
 * treat them differently (loss rates, long reordering applies to replies only).
 */
export interface NetworkProfile {
  readonly name: string;
  readonly requestLossPerMille: number;
  readonly replyLossPerMille: number;
  readonly requestDelay: Delay;
  readonly replyDelay: Delay;
  /** labrpc's long reordering: this share of replies waits 200 ms + a skewed 0–2000 ms. */
  readonly longReorderPerMille: number;
  /** This share of messages is delivered twice (the copy gets its own delay). */
  readonly duplicatePerMille: number;
  /** Long tail: this share of messages waits longDelay instead (e.g. past an election timeout). */
  readonly longDelayPerMille: number;
  readonly longDelay: Delay;
}

/** labrpc delivers at once on a reliable network; a small jitter keeps interleavings varied. */
const prompt: Delay = { kind: 'uniform', minMicros: 100, maxMicros: 500 };

export const reliable: NetworkProfile = {
  name: 'reliable',
  requestLossPerMille: 0,
  replyLossPerMille: 0,
  requestDelay: prompt,
  replyDelay: prompt,
  longReorderPerMille: 0,
  duplicatePerMille: 0,
  longDelayPerMille: 0,
  longDelay: prompt,
};

/** labrpc's unreliable mode: requests wait 0–27 ms, 10 % of requests and of replies are lost. */
export const unreliable: NetworkProfile = {
  ...reliable,
  name: 'unreliable',
  requestLossPerMille: 100,
  replyLossPerMille: 100,
  requestDelay: { kind: 'uniform', minMicros: 0, maxMicros: 27_000 },
};

/** unreliable plus labrpc's long reordering (about 2 replies in 3 held back 0.2–2.2 s). */
export const longReordering: NetworkProfile = {
  ...unreliable,
  name: 'longReordering',
  longReorderPerMille: 667,
};

/** reliable with exponentially distributed delays (mean 5 ms, capped at 100 ms). */
export const exponential: NetworkProfile = {
  ...reliable,
  name: 'exponential',
  requestDelay: { kind: 'exponential', meanMicros: 5_000, capMicros: 100_000 },
  replyDelay: { kind: 'exponential', meanMicros: 5_000, capMicros: 100_000 },
};

/** unreliable with a long tail: 2 % of messages wait 0.5–3 s, past any election timeout. */
export const longTail: NetworkProfile = {
  ...unreliable,
  name: 'longTail',
  longDelayPerMille: 20,
  longDelay: { kind: 'uniform', minMicros: 500_000, maxMicros: 3_000_000 },
};

/** unreliable, and 5 % of messages delivered twice. */
export const duplicating: NetworkProfile = {
  ...unreliable,
  name: 'duplicating',
  duplicatePerMille: 50,
};

export const PROFILES: Readonly<Record<string, NetworkProfile>> = {
  reliable,
  unreliable,
  longReordering,
  exponential,
  longTail,
  duplicating,
};

export const PROFILE_NAMES = Object.keys(PROFILES);

export function profileByName(name: string): NetworkProfile | undefined {
  return Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
}

/** The duplication knob is harsher than the duplicating profile: one message in ten twice. */
const DUPLICATE_KNOB_PER_MILLE = 100;

/** A profile with knobs switched on over it (see NetworkKnob in nemesis.ts). */
export function withKnobs(
  base: NetworkProfile,
  knobs: {
    readonly duplicate: boolean;
    readonly longDelay: boolean;
    readonly longReorder: boolean;
  },
): NetworkProfile {
  if (!knobs.duplicate && !knobs.longDelay && !knobs.longReorder) return base;
  const names = Object.entries(knobs)
    .filter(([, on]) => on)
    .map(([name]) => name);
  return {
    ...base,
    name: `${base.name}+${names.join('+')}`,
    duplicatePerMille: knobs.duplicate
      ? Math.max(base.duplicatePerMille, DUPLICATE_KNOB_PER_MILLE)
      : base.duplicatePerMille,
    longDelayPerMille: knobs.longDelay
      ? Math.max(base.longDelayPerMille, longTail.longDelayPerMille)
      : base.longDelayPerMille,
    longDelay:
      knobs.longDelay && base.longDelayPerMille === 0 ? longTail.longDelay : base.longDelay,
    longReorderPerMille: knobs.longReorder
      ? longReordering.longReorderPerMille
      : base.longReorderPerMille,
  };
}
