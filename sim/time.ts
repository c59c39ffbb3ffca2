/** Virtual time, in integer microseconds since the start of a run. */
export type Micros = number;

export const MICROS_PER_MS = 1000;
export const MICROS_PER_SECOND = 1_000_000;

export function millis(ms: number): Micros {
  return Math.round(ms * MICROS_PER_MS);
}

export function seconds(s: number): Micros {
  return Math.round(s * MICROS_PER_SECOND);
}

/** "12.345678s": fixed six decimals so that trace lines sort and diff well. */
export function formatMicros(t: Micros): string {
  const whole = Math.floor(t / MICROS_PER_SECOND);
  const frac = String(t % MICROS_PER_SECOND).padStart(6, '0');
  return `${whole}.${frac}s`;
}

/** Parses "250ms", "20s", "1500us", "2m" or a bare number of milliseconds; null if malformed. */
export function parseDuration(text: string): Micros | null {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m)?$/.exec(text.trim());
  if (match === null) return null;
  const value = Number(match[1]);
  const unit = match[2] ?? 'ms';
  const factor = { us: 1, ms: MICROS_PER_MS, s: MICROS_PER_SECOND, m: 60 * MICROS_PER_SECOND }[
    unit as 'us' | 'ms' | 's' | 'm'
  ];
  const result = Math.round(value * factor);
  return Number.isSafeInteger(result) ? result : null;
}
