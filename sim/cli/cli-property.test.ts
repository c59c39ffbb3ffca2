import { expect } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './dispatch.js';

/**
 * A property test of the command line itself: damaged repro files, damaged histories and
 * random flag vectors. Every invocation ends (within a bound) with exit 0, 1, 2 or 3, never an
 * internal error; exit 2 is one line on stderr; and nothing is left behind (no temporary file,
 * nothing at all when the input was refused). Cases run in-process (fast); a sample is spawned
 * as a user would run it. RAFTSIM_CLI_PROPERTY_RUNS scales the count (the nightly job runs
 * thousands).
 */
const SCALE = Number(process.env['RAFTSIM_CLI_PROPERTY_RUNS'] ?? '100') / 100;
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
/** Any one in-process invocation, at most (the inputs are small; a slow one is a hang). */
const BOUND_MS = 20_000;

/** A small valid repro: replays in a fraction of a second. */
const TINY_REPRO = {
  format: 'raftsim-repro',
  version: 1,
  seed: 5,
  traceHash: '0',
  mode: 'schedule',
  verdict: 'ok',
  violation: null,
  liveness: null,
  config: {
    servers: 3,
    profile: 'reliable',
    safetyMicros: 300_000,
    schedule: [
      { at: 1000, step: { kind: 'crash', node: 1 } },
      { at: 50_000, step: { kind: 'partition', groups: [[0, 1], [2]] } },
      { at: 60_000, step: { kind: 'bridge', left: [0], right: [1], bridge: 2 } },
      { at: 90_000, step: { kind: 'clock', node: 2, ratePerMille: 1500 } },
      { at: 100_000, step: { kind: 'knob', knob: 'duplicate', on: true } },
      { at: 120_000, step: { kind: 'heal' } },
      { at: 150_000, step: { kind: 'restart', node: 1 } },
    ],
    workload: { clerks: 1, keys: 2, getPerMille: 500, thinkMinMicros: 0, thinkMaxMicros: 20_000 },
    maxRaftStateBytes: 4096,
    raft: { maxEntriesPerAppend: 4, backup: 'fast' },
  },
  fastCheck: { seed: 1, path: '', shrinks: 0 },
  trimmedSteps: 0,
  originalSteps: 7,
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value, the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value)
    ? value.map((_, i) => i)
    : Object.keys(value);
  return keys.flatMap((key) => {
    const path = [...prefix, key];
    return [path, ...pathsOf((value as Record<string | number, Json>)[key] as Json, path)];
  });
}

const ODD_VALUES: Json[] = [
  null,
  'x',
  '1',
  -1,
  0,
  1.5,
  4,
  7,
  9,
  1e9,
  1e-9,
  true,
  [],
  {},
  'Z99',
  'chaos',
];

interface Damage {
  readonly where: number;
  readonly how: 'remove' | 'replace' | 'shuffle' | 'duplicate';
  readonly value: Json;
}

const damage: fc.Arbitrary<Damage> = fc.record({
  where: fc.nat(),
  how: fc.constantFrom('remove', 'replace', 'shuffle', 'duplicate'),
  value: fc.constantFrom(...ODD_VALUES),
});

/** Applies damage in place; the container of the chosen path is changed. */
function applyDamage(root: Json, d: Damage): void {
  const paths = pathsOf(root);
  const path = paths[d.where % Math.max(1, paths.length)];
  if (path === undefined) return;
  const parent = path
    .slice(0, -1)
    .reduce<Json>((v, k) => (v as Record<string | number, Json>)[k] as Json, root);
  const key = path[path.length - 1] as string | number;
  const holder = parent as Record<string | number, Json>;
  const target = holder[key] as Json;
  if (d.how === 'remove') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete holder[key];
  } else if (d.how === 'replace') holder[key] = structuredClone(d.value);
  else if (Array.isArray(target) && target.length > 1) {
    if (d.how === 'duplicate') target.push(structuredClone(target[0] as Json));
    else target.reverse();
  } else holder[key] = structuredClone(d.value);
}

function damaged(base: Json): fc.Arbitrary<string> {
  const edits = fc.array(damage, { minLength: 1, maxLength: 3 }).map((list) => {
    const copy = structuredClone(base);
    for (const d of list) applyDamage(copy, d);
    return JSON.stringify(copy);
  });
  // Sometimes the text itself is cut short: not JSON at all.
  const cut = fc.nat().map((n) => {
    const text = JSON.stringify(base);
    return text.slice(0, n % text.length);
  });
  return fc.oneof({ arbitrary: edits, weight: 9 }, { arbitrary: cut, weight: 1 });
}

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly millis: number;
}

/** Runs one command line in this process, with its output captured and `dir` as cwd. */
async function inProcess(dir: string, argv: string[]): Promise<Outcome> {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const cwd = process.cwd();
  let stdout = '';
  let stderr = '';
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  };
  const started = performance.now();
  try {
    process.chdir(dir);
    const code = await runCli(argv);
    return { code, stdout, stderr, millis: performance.now() - started };
  } finally {
    process.chdir(cwd);
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** The promises every invocation keeps. */
function expectWellBehaved(argv: string[], outcome: Outcome, before: string[], after: string[]) {
  const what = `raftsim ${argv.join(' ')}\nstderr: ${outcome.stderr}`;
  expect([0, 1, 2, 3], what).to.include(outcome.code);
  expect(outcome.stderr, what).to.not.include('internal error');
  expect(outcome.millis, what).to.be.below(BOUND_MS);
  expect(
    after.filter((f) => /\.tmp-|raftsim-probe/.test(f)),
    what,
  ).to.deep.equal([]);
  if (outcome.code === 2) {
    expect(outcome.stderr.trimEnd().split('\n'), what).to.have.length(1);
    expect(after, `${what}\nrefused input left files behind`).to.deep.equal(before);
  }
}

/** Output places of every kind: fine, a folder, nowhere, a device, stdout, empty. */
const OUTPUTS = [
  'out/a.ndjson',
  'b.json',
  'folder',
  'afile/x',
  '/proc/raftsim/x',
  '/dev/null',
  '-',
  '',
];

function flagVector(): fc.Arbitrary<string[]> {
  const value = (...choices: string[]) => fc.constantFrom(...choices);
  const pair = (flag: string, v: fc.Arbitrary<string>) => v.map((x) => [flag, x]);
  const common = [
    pair('--seed', value('1', '7', '-1', 'x', '1.5', '99999999999999999999')),
    pair('--json', value('')).map(() => ['--json']),
    pair('--bogus', value('1')),
  ];
  const run = fc
    .tuple(
      fc.subarray(
        [
          pair('--nodes', value('1', '3', '4', '7', '8', 'x', '-3')),
          pair('--clerks', value('1', '2', '0', '101', '1.5')),
          pair('--time', value('50ms', '100ms', '5', '0s', '99999999s', '-1s', 'soon', '11m')),
          pair('--profile', value('reliable', 'lossy', '')),
          pair('--mutant', value('Z01', 'Z99')),
          pair('--trace', value(...OUTPUTS)),
          pair('--history', value(...OUTPUTS)),
          ...common,
        ].map((a) => a),
      ),
    )
    .chain(([parts]) => fc.tuple(...parts, fc.constant(['--time', '80ms'])))
    .map((parts) => ['run', '--seed', '1', ...parts.flat()]);
  // A valid fuzz or mutants line runs a campaign: these vectors always hold one bad flag (a
  // spawned case below runs a valid campaign).
  const bad = value(
    '--runs=-1',
    '--time=5',
    '--nodes=9',
    '--mode=chaos',
    '--shard=3/2',
    '--workers=x',
    '--shrink-time=7',
    '--mutant=Z99',
    '--reports=afile',
    '--reports=/proc/raftsim/x',
    '--only=Q7',
    '--time-per-mutant=0s',
    'extra',
  );
  const fuzz = fc
    .tuple(
      value('fuzz', 'mutants'),
      fc.subarray([
        '--runs=1',
        '--workers=0',
        '--nodes=3',
        '--mode=schedule',
        '--shrink-time=1s',
        '--shrink-budget=0',
        '--json',
      ]),
      bad,
    )
    .map(([command, good, wrong]) => [command, ...good, wrong]);
  return fc.oneof(run, fuzz);
}

describe('raftsim CLI under damaged input (property)', function () {
  this.timeout(600_000);
  let dir = '';
  let history = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'raftsim-property-'));
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'afile'), 'not a folder\n');
    const made = await inProcess(dir, [
      'run',
      '--seed',
      '3',
      '--time',
      '200ms',
      '--nodes',
      '3',
      '--clerks',
      '2',
      '--history',
      'base-history.json',
    ]);
    expect(made.code, made.stderr).to.equal(0);
    history = readFileSync(join(dir, 'base-history.json'), 'utf8');
    rmSync(join(dir, 'base-history.json'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** One case: write the input file (if any), run, check, then clean up what it wrote. */
  async function check(argv: string[], input: { name: string; text: string } | null) {
    if (input !== null) writeFileSync(join(dir, input.name), input.text);
    const before = listing(dir);
    const outcome = await inProcess(dir, argv);
    const after = listing(dir);
    expectWellBehaved(argv, outcome, before, after);
    for (const f of after)
      if (!before.includes(f)) rmSync(join(dir, f), { recursive: true, force: true });
    if (input !== null) rmSync(join(dir, input.name));
  }

  it('damaged repro files: replay answers every one', async () => {
    await fc.assert(
      fc.asyncProperty(damaged(TINY_REPRO as unknown as Json), async (text) => {
        await check(['replay', 'r.json'], { name: 'r.json', text });
      }),
      { numRuns: runs(150), seed: 12 },
    );
  });

  it('damaged histories: check answers every one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() => damaged(JSON.parse(history) as Json)),
        async (text) => {
          await check(['check', 'h.json'], { name: 'h.json', text });
        },
      ),
      { numRuns: runs(100), seed: 13 },
    );
  });

  it('flag vectors: every command line is answered', async () => {
    await fc.assert(
      fc.asyncProperty(flagVector(), async (argv) => {
        await check(argv, null);
      }),
      { numRuns: runs(150), seed: 14 },
    );
  });

  it('a sample, spawned as a user runs it: exit 0..3, one stderr line on exit 2', () => {
    const samples = [
      ...fc.sample(flagVector(), { numRuns: runs(4), seed: 15 }),
      ['fuzz', '--runs', '1', '--workers', '0', '--nodes', '3', '--shrink-time', '1s'],
    ];
    for (const argv of samples) {
      const before = listing(dir);
      const result = spawnSync(process.execPath, [MAIN, ...argv], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const outcome = {
        code: result.status ?? -1,
        stdout: result.stdout,
        stderr: result.stderr,
        millis: 0,
      };
      const after = listing(dir);
      expectWellBehaved(argv, outcome, before, after);
      for (const f of after)
        if (!before.includes(f)) rmSync(join(dir, f), { recursive: true, force: true });
    }
  });
});
