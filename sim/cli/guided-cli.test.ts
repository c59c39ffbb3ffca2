import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

function fuzz(args: string[]) {
  const reports = mkdtempSync(join(tmpdir(), 'raftsim-guided-'));
  const result = spawnSync(process.execPath, [MAIN, 'fuzz', '--reports', reports, ...args], {
    encoding: 'utf8',
  });
  return { ...result, reports };
}

describe('raftsim fuzz: coverage report', () => {
  it('guided mode prints the report and writes the curve as an SVG', function () {
    this.timeout(300_000);
    const run = fuzz(['--mode', 'guided', '--runs', '3', '--nodes', '3', '--workers', '0']);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/coverage: \d+ abstract states, \d+ transitions/);
    expect(run.stdout).to.include('sometimes (runs that reached it):');
    const svg = join(run.reports, 'coverage-guided-seed1.svg');
    expect(existsSync(svg)).to.equal(true);
    expect(readFileSync(svg, 'utf8')).to.match(/^<svg [^>]*>/);
  });

  it('swarm mode puts the same figures in --json, and --no-coverage leaves them out', function () {
    this.timeout(300_000);
    const on = fuzz(['--runs', '2', '--workers', '0', '--json']);
    expect(on.status, on.stderr).to.equal(0);
    const summary = JSON.parse(on.stdout) as { coverage: { runs: number; transitions: number } };
    expect(summary.coverage.runs).to.equal(2);
    expect(summary.coverage.transitions).to.be.greaterThan(0);
    const off = fuzz(['--runs', '1', '--workers', '0', '--json', '--no-coverage']);
    expect(JSON.parse(off.stdout)).to.not.have.property('coverage');
  });

  it('rejects an unknown mode in one line, exit 2', () => {
    const run = fuzz(['--mode', 'smart', '--runs', '1']);
    expect(run.status).to.equal(2);
    expect(run.stderr.trim().split('\n')).to.have.length(1);
    expect(run.stderr).to.include('schedule, swarm, guided');
  });
});
