import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Golden values pinned in `scenarios/golden/<name>.json`. A test compares against them; to
 * change them on purpose, run the tests with RAFTSIM_UPDATE_GOLDEN=1 and commit the new file.
 */
export function goldenPath(name: string): string {
  // Tests run from dist/scenarios/; the golden files live in the source tree.
  return fileURLToPath(new URL(`../../scenarios/golden/${name}.json`, import.meta.url));
}

export function readGolden(name: string): Record<string, string> {
  return JSON.parse(readFileSync(goldenPath(name), 'utf8')) as Record<string, string>;
}

export function updatingGolden(): boolean {
  return process.env['RAFTSIM_UPDATE_GOLDEN'] === '1';
}

export function writeGolden(name: string, values: Record<string, string>): void {
  writeFileSync(goldenPath(name), `${JSON.stringify(values, null, 2)}\n`);
}
