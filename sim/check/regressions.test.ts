import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { checkParsed, parseHistoryFile } from './index.js';

function regression(name: string): string {
  const path = fileURLToPath(new URL(`../../../testdata/regressions/${name}`, import.meta.url));
  return gunzipSync(readFileSync(path)).toString('utf8');
}

/** Histories the checker once left undecided (testdata/regressions/README.md). */
describe('checker regressions', () => {
  it('appends far between reads: ok, well within a small budget', () => {
    const history = parseHistoryFile(regression('appends-far-between-reads.json.gz'));
    const result = checkParsed(history, { budget: 200_000 });
    expect(result.verdict).to.equal('ok');
  });

  const beforeAPut = regression('appends-before-a-put.json.gz');

  it('appends before a put: ok, well within a small budget', () => {
    const result = checkParsed(parseHistoryFile(beforeAPut), { budget: 100_000 });
    expect(result.verdict).to.equal('ok');
  });

  it('appends before a put: illegal with any successful put one version off', () => {
    const recorded = JSON.parse(beforeAPut) as {
      operations: { input: { op: string; version?: number }; output: { err: string } | null }[];
    };
    const puts = recorded.operations.flatMap(({ input, output }, index) =>
      input.op === 'put' && output?.err === 'OK' ? [index] : [],
    );
    expect(puts).to.have.length(5);
    for (const index of puts) {
      for (const shift of [-1, 1]) {
        const changed = structuredClone(recorded);
        const input = changed.operations[index]?.input as { version: number };
        input.version += shift;
        const result = checkParsed(parseHistoryFile(JSON.stringify(changed)), { budget: 100_000 });
        expect(result.verdict, `put #${index} at ${input.version}`).to.equal('illegal');
      }
    }
  });
});
