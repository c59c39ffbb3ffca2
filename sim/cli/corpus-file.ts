import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../format/kit.js';
import { parseSeedCorpus, seedCorpusText, type SeedCorpus } from '../fuzz/seed-corpus.js';
import { UsageError } from './args.js';
import { readInputFile } from './input.js';
import { checkOutput, summaryStream, writeOutput, type OutputTarget } from './output.js';

/**
 * The seed corpus guided mode starts from unless told otherwise: the corpus of a guided campaign
 * on the correct Raft, kept in the repository (fuzz-corpus/README.md says how it is built). Code
 * runs from `dist/sim/cli/`, three folders below the root.
 */
export const BUNDLED_CORPUS = fileURLToPath(
  new URL('../../../fuzz-corpus/guided.json.gz', import.meta.url),
);

/** `--corpus`: a corpus file, `none` for an empty start, absent for the bundled corpus. */
export function loadCorpusFlag(command: string, flag: string | undefined): SeedCorpus | null {
  if (flag === 'none') return null;
  if (flag === '') throw new UsageError(`${command}: --corpus: an empty path (a file, or none)`);
  const path = flag ?? BUNDLED_CORPUS;
  if (flag === undefined && !existsSync(path))
    throw new UsageError(
      `${command}: the bundled corpus ${path} is missing: restore it (git checkout fuzz-corpus) or start from none (--corpus none)`,
    );
  const text = readInputFile(command, path);
  try {
    return parseSeedCorpus(text);
  } catch (error) {
    if (error instanceof FormatError) throw new UsageError(`${command}: ${path}: ${error.message}`);
    throw error;
  }
}

/**
 * `--save-corpus`: a file or a stream, checked before the campaign. Not standard output, where
 * the summary goes (nor a path that is it), nor the coverage curve the campaign writes last.
 */
export function checkCorpusOutput(path: string | undefined, curve: string): OutputTarget | null {
  if (path === undefined) return null;
  const refuse = (why: string) => new UsageError(`--save-corpus: ${path}: ${why}`);
  if (path === '-') throw refuse('standard output takes the summary: name a file');
  const target = checkOutput('save-corpus', path);
  if (summaryStream([target]) !== process.stdout)
    throw refuse('is standard output, which takes the summary: name a file');
  if (target.kind === 'file' && target.path === resolve(curve))
    throw refuse('the campaign writes its coverage curve there');
  return target;
}

/** Writes a corpus as JSON, gzipped when its name ends in `.gz`. */
export function writeSeedCorpus(target: OutputTarget, corpus: SeedCorpus): void {
  const text = seedCorpusText(corpus);
  writeOutput(target, [target.path.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text]);
}
