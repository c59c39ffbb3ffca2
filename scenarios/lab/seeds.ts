/**
 * Which seeds the lab suite runs: one fixed default per test, or every seed of
 * RAFTSIM_SEEDS ("1-200", "7", "1,5,9-12").
 */
export const DEFAULT_SEED = 1;

export function parseSeedList(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (match === null)
      throw new Error(`RAFTSIM_SEEDS: "${part}" is not a seed or a range like 1-200`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new Error(`RAFTSIM_SEEDS: empty range ${part}`);
    for (let seed = from; seed <= to; seed++) seeds.push(seed);
  }
  return seeds;
}

export function labSeeds(): number[] {
  const text = process.env['RAFTSIM_SEEDS'];
  return text === undefined || text.trim() === '' ? [DEFAULT_SEED] : parseSeedList(text);
}
