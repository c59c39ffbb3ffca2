import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { checkParsed, parseHistoryFile } from './index.js';

/** Histories the checker once left undecided (testdata/regressions/README.md). */
describe('checker regressions', () => {
  it('appends far between reads: ok, well within a small budget', () => {
    const path = fileURLToPath(
      new URL('../../../testdata/regressions/appends-far-between-reads.json.gz', import.meta.url),
    );
    const history = parseHistoryFile(gunzipSync(readFileSync(path)).toString('utf8'));
    const result = checkParsed(history, { budget: 200_000 });
    expect(result.verdict).to.equal('ok');
  });
});
