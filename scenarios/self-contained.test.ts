import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Tests run from dist/scenarios/, two folders below the repository's root.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every file git tracks, and every new file it would track (ignored files excluded). */
function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out.split('\n').filter((path) => path !== '');
}

/** Relative paths that climb (`../`), as written in a file's text. */
const CLIMBING = /(?:\.\.\/)+[\w.-]*/g;

/**
 * The folders a file's relative paths may be read against: its own, and for TypeScript also its
 * compiled twin under dist/ (code resolves `import.meta.url` paths from there).
 */
function bases(path: string): string[] {
  const own = dirname(join(ROOT, path));
  return path.endsWith('.ts') ? [own, dirname(join(ROOT, 'dist', path))] : [own];
}

/** The climbing paths of one file that land outside the repository from every base. */
function escapes(path: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(CLIMBING)) {
    const inside = bases(path).some(
      (base) => !relative(ROOT, resolve(base, match[0])).startsWith('..'),
    );
    if (!inside) found.push(match[0]);
  }
  return found;
}

describe('the repository stands on its own', () => {
  it('no tracked file refers to a path outside the repository', function () {
    this.timeout(20_000);
    // This file is left out: its own examples below climb out on purpose.
    const files = trackedFiles().filter(
      (path) => !/\.(gz|png|ico)$/.test(path) && path !== 'scenarios/self-contained.test.ts',
    );
    expect(files.length).to.be.greaterThan(100);
    const offenders: string[] = [];
    for (const path of files) {
      const text = readFileSync(join(ROOT, path), 'utf8');
      for (const escape of escapes(path, text)) offenders.push(`${path}: ${escape}`);
      if (/\/work\/|\bshared\/(corpus|spec)\b/.test(text))
        offenders.push(`${path}: names the workspace`);
    }
    expect(offenders).to.deep.equal([]);
  });

  it('would notice a file that climbs out', () => {
    expect(escapes('sim/check/x.ts', "new URL('../../../../outside/corpus/', u)")).to.have.length(
      1,
    );
    expect(escapes('sim/check/x.ts', "new URL('../../../testdata/corpus/', u)")).to.deep.equal([]);
    expect(escapes('docs/a.md', '[spec](../README.md)')).to.deep.equal([]);
    expect(escapes('README.md', '[spec](../outside/spec/x.md)')).to.have.length(1);
  });
});
