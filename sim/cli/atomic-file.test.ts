import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtomicFile } from './atomic-file.js';

describe('AtomicFile: the temporary beside the file', () => {
  const write = (path: string, text: string) => {
    const file = AtomicFile.open(path);
    writeSync(file.fd, text);
    file.commit();
  };

  it('fits a file name as long as the folder allows (255 bytes, the temporary cut short)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-atomic-'));
    for (const name of ['h'.repeat(255), `${'é'.repeat(126)}.j`]) {
      write(join(dir, name), 'whole');
      expect(readFileSync(join(dir, name), 'utf8')).to.equal('whole');
    }
    expect(readdirSync(dir)).to.have.length(2);
  });

  it("takes another name past a temporary a killed run with this process's id left", () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-atomic-'));
    const left = join(dir, `.h.json.tmp-${process.pid}`);
    writeFileSync(left, 'left behind');
    write(join(dir, 'h.json'), 'whole');
    expect(readFileSync(join(dir, 'h.json'), 'utf8')).to.equal('whole');
    expect(readFileSync(left, 'utf8')).to.equal('left behind');
    expect(readdirSync(dir).sort()).to.deep.equal(['.h.json.tmp-' + process.pid, 'h.json']);
  });
});
