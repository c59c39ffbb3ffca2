import { fileURLToPath } from 'node:url';

/**
 * Where the checker's reference corpora live: `testdata/corpus/<name>/` at the repository's root.
 * Code runs from `dist/sim/check/`, three folders below the root.
 */
export function corpusDir(name: 'porcupine' | 'long'): string {
  return fileURLToPath(new URL(`../../../testdata/corpus/${name}/`, import.meta.url));
}
