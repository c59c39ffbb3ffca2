import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Runs the built CLI as a user would. */
export function raftsim(...args: string[]) {
  return raftsimIn(process.cwd(), ...args);
}

/** Runs the built CLI in a given working folder (where it would write reports/). */
export function raftsimIn(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('raftsim CLI: bad input writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'raftsim-bad-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  for (const [title, file, pattern] of [
    ['malformed JSON', write('bad.json', '{ nope'), /not valid JSON/],
    [
      'another format',
      write('other.json', '{"format":"x","version":1}'),
      /format: expected "raftsim-repro"/,
    ],
    [
      'an unknown version',
      write('v9.json', '{"format":"raftsim-repro","version":9}'),
      /version: expected version 1/,
    ],
    [
      'a schedule naming a node that does not exist',
      write(
        'node.json',
        JSON.stringify({
          format: 'raftsim-repro',
          version: 1,
          seed: 1,
          traceHash: '0',
          config: {
            servers: 3,
            profile: 'reliable',
            safetyMicros: 1000,
            schedule: [{ at: 0, step: { kind: 'crash', node: 7 } }],
            workload: { clerks: 1, keys: 1 },
          },
        }),
      ),
      /config\.schedule\[0\]\.step\.node: expected a node id in 0\.\.2, got 7/,
    ],
    [
      'a damage step of an unknown kind',
      write(
        'damage.json',
        JSON.stringify({
          format: 'raftsim-repro',
          version: 1,
          seed: 1,
          traceHash: '0',
          config: {
            servers: 3,
            profile: 'reliable',
            safetyMicros: 1000,
            schedule: [
              {
                at: 0,
                step: { kind: 'damage', node: 1, damage: 'melt', file: 'state', wherePerMille: 1 },
              },
            ],
            workload: { clerks: 1, keys: 1 },
          },
        }),
      ),
      /config\.schedule\[0\]\.step\.damage: expected a damage kind: one of truncate, flip, torn/,
    ],
    [
      'a black-box check turned off',
      write(
        'without.json',
        `{"format":"raftsim-repro","version":1,"seed":1,"traceHash":"0","config":{"servers":3,` +
          `"profile":"reliable","safetyMicros":1000,"schedule":[],` +
          `"workload":{"clerks":1,"keys":1},"without":["LIN"]}}`,
      ),
      /config\.without\[0\]: expected a white-box monitor/,
    ],
    ...(
      [
        ['Raft options that are not an object', '"abc"', /config\.raft: expected an object/],
        [
          'a Raft option the fuzzer does not vary',
          '{"maxEntriesPerAppend":4,"heartbeatIntervalMicros":"x"}',
          /config\.raft\.heartbeatIntervalMicros: unknown field/,
        ],
        [
          'an unknown backup policy',
          '{"backup":"sideways"}',
          /config\.raft\.backup: expected a backup policy/,
        ],
      ] as const
    ).map(([title, raft, pattern], k) => {
      const file = write(
        `raft-${k}.json`,
        `{"format":"raftsim-repro","version":1,"seed":1,"traceHash":"0","config":{"servers":3,` +
          `"profile":"reliable","safetyMicros":1000,"schedule":[],` +
          `"workload":{"clerks":1,"keys":1},"raft":${raft}}}`,
      );
      return [title, file, pattern] as const;
    }),
  ] as const) {
    it(`replay of ${title}: one line on stderr, exit 2, no reports/`, () => {
      const { code, stderr, stdout } = raftsimIn(dir, 'replay', file);
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.match(pattern);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(existsSync(join(dir, 'reports'))).to.equal(false);
    });
  }
});

describe('raftsim fuzz, as a user runs it', function () {
  this.timeout(60_000);

  it('Ctrl-C stops a campaign cleanly and prints the summary so far', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-sigint-'));
    const child = spawn(process.execPath, [MAIN, 'fuzz', '--time', '60s', '--workers', '0'], {
      cwd: dir,
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // Once it says it started (its Ctrl-C handler is in place), and a moment of work later.
    await new Promise<void>((resolve) => child.stderr.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).to.equal(130); // cut short, nothing found: a script can tell
    expect(stdout).to.match(/^interrupted: \d+ runs \(swarm mode, shard 1\/1\)/m);
    expect(existsSync(join(dir, 'reports'))).to.equal(false);
  });

  it('Ctrl-C during mutants marks the hunt cut short and names the mutants not hunted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-sigint-mutants-'));
    // Z08 takes hundreds of seeds from seed 1: a second in, its hunt is under way.
    const args = ['mutants', '--only', 'Z08,Z09', '--time-per-mutant', '60s', '--workers', '0'];
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: dir });
    let stdout = '';
    const header = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await header;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    child.kill('SIGINT');
    expect(await exited).to.equal(130);
    expect(stdout).to.match(/^Z08 {5}cut /m);
    expect(stdout).not.to.match(/^Z09 /m);
    expect(stdout).to.match(/^interrupted: hunt of Z08 cut short; not hunted: Z09$/m);
    expect(stdout).to.match(/^correct Raft: not run \(interrupted\)$/m);
    expect(stdout).to.match(/^caught 0\/2;/m);
  });

  it('Ctrl-C while shrinking keeps the failure: its unshrunk repro, the summary, exit 1', async function () {
    this.timeout(240_000);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-sigint-shrink-'));
    const args = ['fuzz', '--mutant', 'Z10', '--nodes', '5', '--runs', '400', '--workers', '0'];
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const kept = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('unshrunk repro kept')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await kept;
    child.kill('SIGINT');
    expect(await exited).to.equal(1);
    expect(stdout).to.match(/^interrupted: /m);
    expect(stdout).to.match(/not shrunk \(interrupted\)/);
    const path = /replay: npx raftsim replay (\S+)/.exec(stdout)?.[1] ?? '';
    expect(stderr).to.include(path);
    const repro = JSON.parse(readFileSync(join(dir, path), 'utf8')) as { verdict: string };
    expect(repro.verdict).to.equal('violation');
    expect(readdirSync(join(dir, 'reports')).filter((f) => f.startsWith('.'))).to.deep.equal([]);
  });

  it('--json gives the campaign figures; a shard runs its share of the seeds', () => {
    const { code, stdout } = raftsim(
      'fuzz',
      '--runs',
      '6',
      '--shard',
      '2/3',
      '--workers',
      '0',
      '--json',
    );
    expect(code).to.equal(0);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).to.include({ runs: 6, failures: 0, shard: '2/3', mode: 'swarm' });
    expect(out).to.include.keys('seconds', 'runsPerSecond');
  });

  it('a campaign whose time is up before it starts still runs a seed, so exit 0 means one held', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-short-'));
    const { code, stdout } = raftsimIn(dir, 'fuzz', '--time', '1us', '--workers', '0', '--json');
    expect(code).to.equal(0);
    expect(JSON.parse(stdout)).to.include({ runs: 1, failures: 0 });
  });

  it('runs the checker cannot decide end the campaign with exit 3, each kept as a repro that replays undecided', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-undecided-'));
    // A budget of one search step leaves any history with a write undecided.
    const fuzz = raftsimIn(dir, 'fuzz', '--runs', '2', '--workers', '0', '--check-budget', '1');
    expect(fuzz.code, fuzz.stderr).to.equal(3);
    expect(fuzz.stdout).to.match(/2 runs .* 0 failures, 2 unknown/);
    const kept = [
      ...fuzz.stderr.matchAll(/seed (\d+) ended unknown .*replay: npx raftsim replay (\S+)/g),
    ];
    expect(kept.map((match) => match[1])).to.deep.equal(['1', '2']);
    const path = kept[0]?.[2] ?? '';
    const repro = JSON.parse(readFileSync(join(dir, path), 'utf8')) as {
      verdict: string;
      config: { checkBudget?: number };
    };
    expect(repro).to.include({ verdict: 'unknown' });
    expect(repro.config.checkBudget).to.equal(1);
    const replay = raftsimIn(dir, 'replay', path, '--expect-same-trace');
    expect(replay.code, replay.stderr).to.equal(3);
  });

  it('a broken Raft is caught, shrunk and reported; its repro replays to the same verdict and hash', function () {
    this.timeout(240_000);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-mutant-'));
    const fuzz = raftsimIn(
      dir,
      'fuzz',
      '--mutant',
      'Z10',
      '--runs',
      '400', // the campaign stops at the first failing seed
      '--nodes',
      '5',
      '--workers',
      '0',
      '--shrink-budget',
      '100', // every candidate is a full run: keep the test's wall time down
      '--without',
      'G1', // recorded in the repro, so the replay runs without it too
      '--json',
    );
    expect(fuzz.code).to.equal(1);
    const summary = JSON.parse(fuzz.stdout) as { repro: string; verdict: string };
    expect(summary.verdict).to.equal('violation');
    const repro = JSON.parse(readFileSync(join(dir, summary.repro), 'utf8')) as {
      traceHash: string;
      config: { schedule: unknown[]; without?: string[] };
    };
    expect(repro.config.without).to.deep.equal(['G1']);
    expect(repro.config.schedule.length).to.be.at.most(10);
    for (const file of ['repro.json', 'trace.ndjson', 'history.json', 'timeline.html']) {
      expect(existsSync(join(dir, summary.repro, '..', file)), file).to.equal(true);
    }
    const replay = raftsimIn(dir, 'replay', summary.repro, '--expect-same-trace', '--json');
    expect(replay.code).to.equal(1);
    expect(JSON.parse(replay.stdout)).to.include({
      verdict: 'violation',
      traceHash: repro.traceHash,
      sameTrace: true,
    });
  });
});

describe('raftsim CLI', () => {
  it('the package bin runs as a program, the way npx raftsim starts it', () => {
    // npx runs the bin file itself: it needs its shebang and the execute bit the build sets.
    const result = spawnSync(MAIN, ['run', '--help'], { encoding: 'utf8' });
    expect(result.error, String(result.error)).to.equal(undefined);
    expect(result.status).to.equal(0);
    expect(result.stdout).to.match(/^usage: raftsim run /);
  });

  it('run --seed prints a summary and a trace hash, the same twice', () => {
    const first = raftsim('run', '--seed', '7', '--time', '2s');
    const second = raftsim('run', '--seed', '7', '--time', '2s');
    expect(first.code).to.equal(0);
    expect(first.stdout).to.match(/^trace-hash: [0-9a-f]{16}$/m);
    expect(second.stdout).to.equal(first.stdout);
    expect(raftsim('run', '--seed', '8', '--time', '2s').stdout).to.not.equal(first.stdout);
  });

  it('run --json prints one object with the documented fields', () => {
    const { code, stdout } = raftsim('run', '--seed', '3', '--time', '1s', '--json');
    expect(code).to.equal(0);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).to.include.keys('seed', 'verdict', 'traceHash', 'virtualMicros', 'events');
    expect(out['seed']).to.equal(3);
    expect(out['virtualMicros']).to.be.at.least(1_000_000); // the safety phase, then liveness
  });

  it('run --trace writes an NDJSON trace with one formatted line per event', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-'));
    const path = join(dir, 'trace.ndjson');
    const { code, stdout } = raftsim(
      'run',
      '--seed',
      '1',
      '--time',
      '200ms',
      '--trace',
      path,
      '--json',
    );
    expect(code).to.equal(0);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(first).to.include.keys('t', 'kind', 'node', 'peer', 'text');
    expect(lines.length).to.be.greaterThan(10);
    expect(readdirSync(dir)).to.deep.equal(['trace.ndjson']); // no temporary left behind
    expect(JSON.parse(stdout)).to.have.property('traceHash');
  });

  describe('a long run --trace, written as it runs', function () {
    this.timeout(120_000);

    /** Starts a long traced run, and resolves once its trace's temporary has content. */
    async function midTrace(): Promise<{ dir: string; child: ReturnType<typeof spawn> }> {
      const dir = mkdtempSync(join(tmpdir(), 'raftsim-stream-'));
      const args = ['run', '--seed', '1', '--nodes', '7', '--clerks', '20', '--time', '10m'];
      const child = spawn(process.execPath, [MAIN, ...args, '--trace', 'out.ndjson'], { cwd: dir });
      for (let waited = 0; waited < 60_000; waited += 50) {
        const temporary = readdirSync(dir).find((name) => name.startsWith('.out.ndjson.tmp-'));
        if (temporary !== undefined && statSync(join(dir, temporary)).size > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { dir, child };
    }

    it('SIGTERM ends it while its reader has stopped reading (the pipe is full)', async () => {
      const args = ['run', '--seed', '2', '--time', '10m', '--trace', '-'];
      const child = spawn(process.execPath, [MAIN, ...args]); // stdout never read
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      child.kill('SIGTERM');
      const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(exit).to.equal(143);
    });

    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      it(`${signal} ends it at once (${code}), its half-written trace removed`, async () => {
        const { dir, child } = await midTrace();
        expect(readdirSync(dir)).to.have.length(1); // the temporary, growing
        child.kill(signal);
        const exit = await new Promise<number | null>((resolve) => child.on('exit', resolve));
        expect(exit).to.equal(code);
        expect(readdirSync(dir)).to.deep.equal([]);
      });
    }
  });

  it('run --history writes the client history, which check finds linearizable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-history-'));
    const path = join(dir, 'history.json');
    expect(raftsim('run', '--seed', '4', '--time', '3s', '--history', path).code).to.equal(0);
    const checked = raftsim('check', path, '--json');
    expect(checked.code).to.equal(0);
    const out = JSON.parse(checked.stdout) as Record<string, unknown>;
    expect(out).to.include({ verdict: 'ok', model: 'kv' });
    expect(out['operations']).to.be.greaterThan(10);
  });

  it('an output to - keeps stdout for that document alone: the summary goes to stderr', () => {
    const history = raftsim('run', '--seed', '4', '--time', '1s', '--history', '-');
    expect(history.code).to.equal(0);
    expect(JSON.parse(history.stdout)).to.have.property('operations');
    expect(history.stderr).to.match(/verdict: ok\ntrace-hash: /);
    const repro = join('scenarios', 'mutants', 'Z01.repro.json');
    const trace = raftsim('replay', repro, '--trace', '-');
    const lines = trace.stdout.trim().split('\n');
    expect(lines.every((line) => line.startsWith('{'))).to.equal(true);
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).to.not.throw();
    expect(trace.stderr).to.match(/trace-hash: \w+ \(same as recorded\)/);
  });

  for (const [title, args, pattern] of [
    ['a bad seed', ['run', '--seed', 'x'], /--seed must be an integer in 0\.\.9007199254740991/],
    ['a seed past 2^53', ['run', '--seed', '9007199254740993'], /--seed must be an integer in 0\./],
    ['a missing seed', ['run'], /--seed is required/],
    [
      'an unknown flag',
      ['run', '--seed', '1', '--frobnicate'],
      /^raftsim: run: unknown option --frobnicate \(raftsim run --help\)\n$/,
    ],
    [
      'an unknown profile',
      ['run', '--seed', '1', '--profile', 'lossy'],
      /--profile must be one of/,
    ],
    ['a bad duration', ['run', '--seed', '1', '--time', 'soon'], /--time must be a duration/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['an unknown fuzz mode', ['fuzz', '--mode', 'chaos'], /--mode must be one of schedule, swarm/],
    ['a bad shard spec', ['fuzz', '--shard', '3/2'], /--shard must be i\/n/],
    [
      'both --runs and --time',
      ['fuzz', '--runs', '5', '--time', '1s'],
      /--runs or --time, not both/,
    ],
    ['an unknown mutant', ['fuzz', '--mutant', 'Z99'], /--mutant must be one of/],
    [
      'a black-box check for --without',
      ['run', '--seed', '1', '--without', 'G5,LIN'],
      /--without takes white-box monitors/,
    ],
    [
      'an unknown profile for fuzz',
      ['run', '--seed', '1', '--profile', 'x'],
      /--profile must be one of/,
    ],
    [
      'a missing repro',
      ['replay', 'no-such-file.json'],
      /cannot read no-such-file.json \(ENOENT\)/,
    ],
    ['replay without a file', ['replay'], /which repro/],
    ['an unknown mutant list', ['mutants', '--only', 'Z01,Q7'], /unknown mutant "Q7"/],
  ] as const) {
    it(`${title}: one line on stderr, exit 2`, () => {
      const { code, stderr, stdout } = raftsim(...args);
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.match(pattern);
      expect(stderr.trim().split('\n')).to.have.length(1);
    });
  }
});
