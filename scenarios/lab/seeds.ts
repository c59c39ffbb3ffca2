/**
 * Which seeds the lab suite runs: by default the first 20 of every test (the real harness
 * reseeds on every run, so one schedule per test is too few), or every seed of RAFTSIM_SEEDS
 * ("1-1000", "7", "1,5,9-12").
 */
export const DEFAULT_SEEDS = '1-20';

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
  return parseSeedList(text === undefined || text.trim() === '' ? DEFAULT_SEEDS : text);
}

/** Seeds as short text: runs of consecutive seeds become ranges ("1-20", "3, 7-9"). */
export function describeSeeds(seeds: readonly number[]): string {
  const parts: string[] = [];
  let k = 0;
  while (k < seeds.length) {
    let end = k;
    while (end + 1 < seeds.length && seeds[end + 1] === (seeds[end] as number) + 1) end++;
    parts.push(end === k ? `${seeds[k]}` : `${seeds[k]}-${seeds[end]}`);
    k = end + 1;
  }
  return parts.join(', ');
}
