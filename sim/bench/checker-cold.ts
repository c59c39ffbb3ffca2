/**
 * The checker's cold pass, run by `raftsim bench` in a fresh Node process:
 * `node checker-cold.js <corpus dir> <etcd|kv>`. Parses that family's files, then checks each
 * once (timing the check alone) and prints the timing as JSON on stdout.
 */
import { CORPUS_FAMILIES, loadCorpus, timeCorpus, type CorpusFamily } from './checker.js';

const [root, family] = process.argv.slice(2);
if (root === undefined || !CORPUS_FAMILIES.includes(family as CorpusFamily)) {
  process.stderr.write('usage: checker-cold.js <corpus dir> <etcd|kv>\n');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(timeCorpus(loadCorpus(root, family as CorpusFamily)))}\n`);
