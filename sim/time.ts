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

/**
 * The longest run of virtual time any input may ask for (a safety phase, `run --time`, a step's
 * time): ten minutes, far past any bug this simulator has needed, and still a bounded run.
 */
export const MAX_VIRTUAL_MICROS: Micros = 600 * MICROS_PER_SECOND;

/**
 * Parses "250ms", "20s", "1500us", "2m" or "1h"; null if malformed. The unit is required: a bare
 * "5" could mean seconds to a reader and milliseconds to a program.
 */
export function parseDuration(text: string): Micros | null {
  const match = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/.exec(text.trim());
  if (match === null) return null;
  const value = Number(match[1]);
  const unit = match[2];
  const factor = {
    us: 1,
    ms: MICROS_PER_MS,
    s: MICROS_PER_SECOND,
    m: 60 * MICROS_PER_SECOND,
    h: 3600 * MICROS_PER_SECOND,
  }[unit as 'us' | 'ms' | 's' | 'm' | 'h'];
  const result = Math.round(value * factor);
  return Number.isSafeInteger(result) ? result : null;
}
