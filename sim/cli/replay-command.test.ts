import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { replayLine, shellWord } from './args.js';

/**
 * What a shell makes of a word: the one argument it passes on. A POSIX sh, but bash for a word
 * in $'...' quotes, which older sh (dash) does not read.
 */
function throughShell(word: string): string {
  const shell = word.startsWith("$'") ? 'bash' : 'sh';
  return spawnSync(shell, ['-c', `printf %s ${word}`], { encoding: 'utf8' }).stdout;
}

describe('the printed replay command', () => {
  it('leaves a plain path as it is', () => {
    expect(replayLine('reports/seed-8-fd252a26/repro.json')).to.equal(
      'npx raftsim replay reports/seed-8-fd252a26/repro.json',
    );
  });

  it('quotes a path with spaces, quotes or shell characters so the shell passes it whole', () => {
    for (const path of ['/tmp/my reports/r.json', "it's/$HOME/`x`/*.json", 'a;b|c&d', 'x"y\\z']) {
      expect(throughShell(shellWord(path))).to.equal(path);
    }
  });

  it('writes control characters escaped, so the line stays one line and the terminal untouched', () => {
    const path = 'r\nx\u001b[31mRED\u2028';
    const word = shellWord(path);
    expect(word).to.equal("$'r\\x0ax\\x1b[31mRED\\u2028'");
    expect(throughShell(word)).to.equal(path);
  });

  it('any path comes back from the shell as written (a leading - behind ./)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 24, unit: 'binary' }), (raw) => {
        const path = raw.replaceAll('\u0000', '');
        fc.pre(path.length > 0);
        const expected = path.startsWith('-') ? `./${path}` : path;
        expect(throughShell(shellWord(path))).to.equal(expected);
      }),
      { numRuns: 60 },
    );
  });
});
