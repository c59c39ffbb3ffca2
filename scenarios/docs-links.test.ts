import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Tests run from dist/scenarios/, two folders below the repository's root.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The README's size limit: a newcomer reads it in ten minutes. */
const README_MAX_BYTES = 12 * 1024;

/** README.md and every Markdown file under docs/, as paths relative to the root. */
function documents(): string[] {
  const found = ['README.md'];
  const walk = (folder: string): void => {
    for (const name of readdirSync(join(ROOT, folder)).sort()) {
      const path = `${folder}/${name}`;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found;
}

/** The text without fenced code blocks and inline code, where brackets are not links. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The targets of inline links and images: `[text](target)` and `![alt](target "title")`. */
function linkTargets(text: string): string[] {
  return [...prose(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (match) => match[1] as string,
  );
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a Markdown text defines: one per heading, repeats numbered as GitHub does. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of text.replace(/^(```|~~~)[^]*?^\1/gm, '').matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = slug(match[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Reads a file of the repository (relative path), or null if there is none. */
type Reader = (path: string) => string | null;

const readRepoFile: Reader = (path) => {
  const full = join(ROOT, path);
  if (!existsSync(full)) return null;
  return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8');
};

/** The links of one document that lead nowhere: a missing file, or a missing heading. */
function brokenLinks(path: string, text: string, read: Reader): string[] {
  const broken: string[] = [];
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
    const [file = '', anchor] = target.split('#', 2);
    const resolved = file === '' ? path : relative(ROOT, resolve(ROOT, dirname(path), file));
    const content = resolved.startsWith('..') ? null : read(resolved);
    if (content === null) broken.push(`${path}: ${target} (no such file)`);
    else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(content).has(anchor))
      broken.push(`${path}: ${target} (no such heading)`);
  }
  return broken;
}

describe('the documentation', () => {
  it(`README.md is at most ${README_MAX_BYTES} bytes`, () => {
    expect(statSync(join(ROOT, 'README.md')).size).to.be.at.most(README_MAX_BYTES);
  });

  it('every relative link in README.md and docs/ leads to a file and heading that exist', () => {
    const docs = documents();
    expect(docs).to.include('docs/architecture.md');
    const broken = docs.flatMap((path) =>
      brokenLinks(path, readRepoFile(path) ?? '', readRepoFile),
    );
    expect(broken).to.deep.equal([]);
  });

  it('would notice a broken link or anchor', () => {
    const files: Record<string, string> = {
      'docs/a.md': '# The A part\n\n## Adding a mutant\n',
      'docs/b.md': '# B\n',
      'docs/images/x.png': 'png',
    };
    const read: Reader = (path) => files[path] ?? null;
    const check = (text: string): string[] => brokenLinks('docs/b.md', text, read);
    expect(check('see [a](a.md), [b](a.md#adding-a-mutant), ![x](images/x.png)')).to.deep.equal([]);
    expect(check('[web](https://example.org/x.md) and `[code](nowhere.md)`')).to.deep.equal([]);
    expect(check('[self](#b)\n```\n[fenced](nowhere.md)\n```\n')).to.deep.equal([]);
    expect(check('see [c](c.md)')).to.have.length(1);
    expect(check('see [a](a.md#the-b-part)')).to.have.length(1);
    expect(check('see [up](../../outside.md)')).to.have.length(1);
    expect(check('![x](images/y.png "missing")')).to.have.length(1);
    expect(check('[self](#nowhere)')).to.have.length(1);
  });

  it("computes GitHub's anchors for headings", () => {
    expect([...anchors('# The engine (`sim/`)\n## Use it\n## Use it\n')]).to.deep.equal([
      'the-engine-sim',
      'use-it',
      'use-it-1',
    ]);
    expect(slug('The key/value service')).to.equal('the-keyvalue-service');
  });
});
