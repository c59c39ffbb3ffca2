import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { kvRunConfig } from '../fuzz/config.js';
import { parseRepro } from '../fuzz/repro.js';
import { runKv } from '../run/kv-run.js';
import { writeFailureReport } from '../fuzz/report.js';
import { capturingStderr } from '../testing/capture-stderr.js';
import { raftsimIn } from './cli.test.js';
import { saveRepro } from './mutants.js';

const MAX = String(Number.MAX_SAFE_INTEGER);

/** A valid repro's text, with `config` fields replaced by `override` (given as JSON text). */
function reproText(override: Record<string, string> = {}): string {
  const config: Record<string, string> = {
    servers: '3',
    profile: '"reliable"',
    safetyMicros: '1000',
    schedule: '[]',
    workload: '{"clerks":1,"keys":1}',
    ...override,
  };
  const fields = Object.entries(config).map(([k, v]) => `"${k}":${v}`);
  return `{"format":"raftsim-repro","version":1,"seed":1,"traceHash":"0","config":{${fields.join(',')}}}`;
}

describe('raftsim CLI: hostile input is one line and exit 2, never a hang or a stack', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'raftsim-hostile-'));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const writeBytes = (name: string, bytes: Buffer) => {
    writeFileSync(join(dir, name), bytes);
    return name;
  };
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const step = (text: string) => `[{"at":0,"step":${text}}]`;
  const fifo = join(dir, 'fifo');
  spawnSync('mkfifo', [fifo]);

  for (const [title, args, pattern] of [
    [
      'a repro field nested 50,000 deep',
      [
        'replay',
        write('deep.json', reproText({ workload: `{"clerks":${deep(50_000)},"keys":1}` })),
      ],
      /workload\.clerks: expected a clerk count in 1\.\.100, got \[\[\[/,
    ],
    [
      'a repro nested 200,000 deep (refused before JSON.parse builds it)',
      ['replay', write('deeper.json', reproText({ workload: `{"clerks":${deep(200_000)}}` }))],
      /^raftsim: replay: deeper\.json: nested more than 100,000 levels deep\n/,
    ],
    [
      'a fast-check seed that is not an integer',
      [
        'replay',
        write(
          'fc.json',
          reproText().replace(/}$/, ',"fastCheck":{"seed":1e400,"path":"","shrinks":0}}'),
        ),
      ],
      /fastCheck\.seed: expected an integer seed, got Infinity/,
    ],
    [
      'a word after -- that looks like a negative value: a second file, not a flag value',
      ['check', '--', '--budget', '-5'],
      /check: unexpected argument "-5"/,
    ],
    [
      'a minority trial flag that is not true or false',
      ['replay', write('trial.json', reproText({ minorityTrial: '"yes"' }))],
      /config\.minorityTrial: expected true or false, got "yes"/,
    ],
    [
      'a repro that is a JSON array',
      ['replay', write('array.json', '[1,2]')],
      /expected a JSON object/,
    ],
    [
      'a __proto__ key in a schedule step',
      [
        'replay',
        write(
          'proto.json',
          reproText({ schedule: step('{"kind":"crash","node":1,"__proto__":{}}') }),
        ),
      ],
      /step\.__proto__: unknown field/,
    ],
    [
      'a schedule step that is an array',
      ['replay', write('step-array.json', reproText({ schedule: '[[0,1]]' }))],
      /config\.schedule\[0\]: expected an object, got \[0,1\]/,
    ],
    [
      'a workload that is an array',
      ['replay', write('workload-array.json', reproText({ workload: '[]' }))],
      /config\.workload: expected an object, got \[\]/,
    ],
    [
      'a device as a repro',
      ['replay', '/dev/zero'],
      /cannot read \/dev\/zero \(not a regular file or a pipe\)/,
    ],
    ['a device as a history', ['check', '/dev/zero'], /not a regular file or a pipe/],
    ['a FIFO with no writer as a history', ['check', fifo], /empty file/],
    [
      // More lines than Node can split into an array: refused before a fatal, uncatchable crash.
      'a gzip of 100,000,001 empty lines',
      ['check', writeBytes('lines.gz', gzipSync(Buffer.alloc(100_000_001, '\n')))],
      /cannot read lines\.gz \(more than 100000000 lines\)/,
    ],
    [
      // JSON.parse would take minutes and gigabytes on a hundred million of them.
      'a gzip of 20,000,001 opening braces',
      ['check', writeBytes('objects.gz', gzipSync(Buffer.alloc(20_000_001, '{')))],
      /cannot read objects\.gz \(more than 20000000 objects \(\{\)\)/,
    ],
    ['a folder as a history', ['check', dir], /\(a directory\)/],
    [
      'a Jepsen value past 2^53',
      ['check', write('big.log', 'INFO  jepsen.util - 0\t:invoke\t:write\t9007199254740993\n')],
      /line 1: expected an integer within/,
    ],
    [
      'an EDN integer past 2^53',
      [
        'check',
        write(
          'big.edn',
          '{:process 0, :type :invoke, :f :put, :key "a", :value 99999999999999999999}\n',
        ),
      ],
      /integer out of range/,
    ],
    [
      'a history time past 2^53',
      [
        'check',
        write(
          'late.json',
          `{"format":"raftsim-history","version":1,"model":"kv","operations":[{"client":0,` +
            `"call":1e17,"return":null,"input":{"op":"get","key":"a"},"output":null}]}`,
        ),
      ],
      /"call" must be a time in whole microseconds, 0\.\./,
    ],
    [
      'seeds that would pass 2^53',
      ['fuzz', '--seed', MAX, '--runs', '3', '--workers', '0'],
      /leaves room for 1 swarm run before seeds pass/,
    ],
    [
      'a campaign limited by time with too little room for seeds',
      ['mutants', '--seed', MAX, '--only', 'Z10', '--time-per-mutant', '5s'],
      /leaves room for 1 swarm run .*a campaign limited by time needs 4294967296/,
    ],
    [
      'guided seeds that would pass 2^53',
      ['fuzz', '--seed', MAX, '--runs', '1', '--mode', 'guided'],
      /leaves room for 0 guided runs/,
    ],
    [
      '--json and a history on stdout',
      ['run', '--seed', '1', '--json', '--history', '-'],
      /--history and --json both write standard output/,
    ],
    [
      'two outputs on stdout',
      ['run', '--seed', '1', '--trace', '-', '--history', '-'],
      /both write standard output/,
    ],
    [
      'a reports folder of -',
      ['fuzz', '--runs', '1', '--workers', '0', '--reports', '-'],
      /--reports: -: a folder, not standard output/,
    ],
    [
      'two outputs to one file',
      ['run', '--seed', '1', '--trace', 'x', '--history', './x'],
      /both write \S*x; give each its own place/,
    ],
    [
      'a file with an escape sequence, a NUL and a newline where JSON should be',
      ['replay', write('control.json', '{"a":\u001b[2J\u0000\nrm -rf')],
      /not valid JSON.*\\u001b/,
    ],
    [
      'a repro field given twice, which JSON would settle silently',
      [
        'replay',
        write('twice.json', reproText().replace('"servers":3', '"servers":5,"servers":3')),
      ],
      /config\.servers: given twice in one object/,
    ],
    [
      'UTF-16 without a byte-order mark',
      ['check', writeBytes('utf16.json', Buffer.from('{"format":1}', 'utf16le'))],
      /cannot read utf16\.json \(a NUL byte in its first two: UTF-16 without a byte-order mark/,
    ],
    [
      'bytes that are not UTF-8',
      ['replay', writeBytes('latin1.json', Buffer.from('{"caf\u00e9":1}', 'latin1'))],
      /cannot read latin1\.json \(not valid UTF-8 text: save it as UTF-8\)/,
    ],
    [
      'a duration under the clock tick',
      ['fuzz', '--time', '0.4us', '--workers', '0'],
      /--time must be at least 1us \(the clock's tick\), got "0\.4us"/,
    ],
    [
      'a trace in a folder nothing can be made in',
      ['run', '--seed', '1', '--trace', '/proc/version'],
      /--trace: \/proc\/version: its folder \/proc: cannot write there/,
    ],
    [
      'a number too large for any double',
      ['replay', write('huge.json', reproText({ servers: '1e999' }))],
      /config\.servers: expected a cluster size in 3\.\.7, got Infinity \(out of range\)/,
    ],
    [
      'an operation that is not an object',
      [
        'check',
        write('op.json', '{"format":"raftsim-history","version":1,"model":"kv","operations":[5]}'),
      ],
      /: operation 0: it must be an object\n$/,
    ],
    [
      'a suite list beside --checker-scaling, which has none',
      ['bench', '--checker-scaling', '--only', 'nonsense'],
      /--checker-scaling .* takes no --only/,
    ],
    [
      '--json and a timeline on stdout',
      ['replay', write('ok.json', reproText()), '--json', '--html', '-'],
      /--html and --json both write standard output/,
    ],
  ] as const) {
    it(title, () => {
      const { code, stdout, stderr } = raftsimIn(dir, ...args);
      expect(code, stderr).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.match(pattern);
      expect(stderr.trim().split('\n')).to.have.length(1);
      // Nothing in the line reaches a terminal as a control character.
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      expect(stderr.trimEnd()).to.not.match(/[\u0000-\u001f\u007f]/);
    });
  }

  it('a place it cannot save a repro fails before the hunt, not after it', () => {
    const save = join(dir, 'saved');
    mkdirSync(join(save, 'Z01.repro.json'), { recursive: true });
    const args = ['mutants', '--only', 'Z01', '--time-per-mutant', '20s', '--save-repros', save];
    const started = Date.now();
    const { code, stderr } = raftsimIn(dir, ...args);
    expect(code).to.equal(2);
    expect(stderr).to.match(/--save-repros: .*Z01\.repro\.json: is a directory/);
    expect(Date.now() - started).to.be.below(15_000);
  });

  it('a repro copy that cannot be written once the hunt is over is a line, and the table goes on', async () => {
    const kept = join(dir, 'kept.repro.json');
    writeFileSync(kept, '{}');
    const blocked = join(dir, 'blocked-file');
    writeFileSync(blocked, '');
    // Past the checks made before the hunt: the folder became a file (as a full disk refuses).
    const { stderr } = await capturingStderr(() =>
      saveRepro(join(blocked, 'Z01.repro.json'), kept),
    );
    expect(stderr).to.match(
      /^raftsim: .*Z01\.repro\.json.*; the repro stays in .*kept\.repro\.json\n$/,
    );
  });

  it('a run too heavy to finish (100 clerks, no snapshots) ends as a storm, not in hours', () => {
    const heavy = parseRepro(
      reproText({
        servers: '7',
        safetyMicros: '600000000',
        workload: '{"clerks":100,"keys":1000,"thinkMinMicros":0,"thinkMaxMicros":0}',
      }),
    );
    // The default cap (64 GiB) takes half a minute to reach; a smaller one shows the same end.
    const cap = 256 * 1024 ** 2;
    const result = runKv({ ...kvRunConfig(heavy.seed, heavy.config), maxSavedBytes: cap });
    expect(result.verdict).to.equal('liveness');
    expect(result.liveness).to.match(/^event storm: save cap reached: 268435456 bytes/);
  });
});

describe('report folders: a new failure never replaces a kept one', () => {
  const repro = parseRepro(reproText());

  it('takes the next free name, and a replacement keeps the files the user added', () => {
    const reports = mkdtempSync(join(tmpdir(), 'raftsim-keep-'));
    const first = writeFailureReport(reports, repro);
    writeFileSync(join(first, 'notes.txt'), 'mine');
    const again = writeFailureReport(reports, repro);
    expect(again).to.equal(`${first}-2`);
    expect(readFileSync(join(first, 'notes.txt'), 'utf8')).to.equal('mine');
    // Replacing the folder this process wrote keeps what the user put beside the report.
    const replaced = writeFailureReport(reports, repro, first.slice(reports.length + 1));
    expect(replaced).to.equal(first);
    expect(readFileSync(join(first, 'notes.txt'), 'utf8')).to.equal('mine');
    expect(existsSync(join(first, 'repro.json'))).to.equal(true);
    expect(readdirSync(reports).filter((name) => name.startsWith('.'))).to.deep.equal([]);
  });

  it('takes the next free name past a file or a link that leads nowhere under its name', () => {
    const reports = mkdtempSync(join(tmpdir(), 'raftsim-taken-'));
    const first = writeFailureReport(reports, repro);
    rmSync(first, { recursive: true });
    symlinkSync(join(reports, 'nowhere'), first);
    writeFileSync(`${first}-2`, 'a file');
    expect(writeFailureReport(reports, repro)).to.equal(`${first}-3`);
    expect(lstatSync(first).isSymbolicLink()).to.equal(true);
    expect(readFileSync(`${first}-2`, 'utf8')).to.equal('a file');
  });

  it("a report folder has the permissions any new folder gets, not a temporary one's 0700", () => {
    const reports = mkdtempSync(join(tmpdir(), 'raftsim-mode-'));
    const written = writeFailureReport(reports, repro);
    const plain = join(reports, 'plain');
    mkdirSync(plain);
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(written).toString(8)).to.equal(mode(plain).toString(8));
  });

  it('refuses to replace a folder it did not write: the report goes beside it', () => {
    const reports = mkdtempSync(join(tmpdir(), 'raftsim-keep-'));
    mkdirSync(join(reports, 'kept'));
    writeFileSync(join(reports, 'kept', 'repro.json'), 'better shrunk');
    const written = writeFailureReport(reports, repro, 'kept');
    expect(written).to.not.equal(join(reports, 'kept'));
    expect(readFileSync(join(reports, 'kept', 'repro.json'), 'utf8')).to.equal('better shrunk');
  });
});

describe('raftsim CLI: inputs from pipes, outputs that meet', function () {
  this.timeout(60_000);
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const history = '{"format":"raftsim-history","version":1,"model":"kv","operations":[]}';

  /** Runs a shell line with RAFTSIM standing for the built CLI (real pipes, as a user has). */
  const shell = (line: string) =>
    spawnSync('sh', ['-c', line.replaceAll('RAFTSIM', `"${process.execPath}" "${main}"`)], {
      encoding: 'utf8',
    });

  it('a history piped in on /dev/stdin is read like a file', () => {
    const result = shell(`echo '${history}' | RAFTSIM check /dev/stdin`);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/: ok \(model kv, 0 operations/);
  });

  it("reads UTF-16 with its byte-order mark, either byte order (PowerShell's >), as UTF-8", () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-utf16-'));
    expect(raftsimIn(dir, 'run', '--seed', '1', '--history', 'h.json').code).to.equal(0);
    const utf16le = Buffer.from(readFileSync(join(dir, 'h.json'), 'utf8'), 'utf16le');
    writeFileSync(join(dir, 'le.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]));
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf16le).swap16()]);
    writeFileSync(join(dir, 'be.json'), be);
    const verdicts = ['h.json', 'le.json', 'be.json'].map((name) => {
      const result = raftsimIn(dir, 'check', name);
      expect(result.code, result.stderr).to.equal(0);
      return result.stdout.replace(/^check: \S+: /, '').replace(/, [\d.]+ ms\)/, ')');
    });
    expect(verdicts[0]).to.match(/^ok \(model kv, \d+ operations/);
    expect(verdicts).to.deep.equal([verdicts[0], verdicts[0], verdicts[0]]);
  });

  it('- reads standard input: a pipe, a redirected file; a device is refused', () => {
    const piped = shell(`echo '${history}' | RAFTSIM check -`);
    expect(piped.status, piped.stderr).to.equal(0);
    expect(piped.stdout).to.match(/^check: -: ok \(model kv, 0 operations/);
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-stdin-'));
    writeFileSync(join(dir, 'h.json'), history);
    const redirected = shell(`RAFTSIM check - --json < "${join(dir, 'h.json')}"`);
    expect(JSON.parse(redirected.stdout)).to.include({ verdict: 'ok', operations: 0 });
    const device = shell('RAFTSIM replay - < /dev/null');
    expect(device.status).to.equal(2);
    expect(device.stderr).to.equal(
      'raftsim: replay: cannot read standard input (not a regular file or a pipe)\n',
    );
  });

  it("a flag given twice takes its last value, so a script's default can be overridden", () => {
    const result = shell('RAFTSIM run --seed 1 --time 1s --seed 2 --json');
    expect(result.status, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.include({ seed: 2 });
  });

  it('a mutant named twice in --only is hunted once', () => {
    const result = shell(
      `RAFTSIM mutants --only Z01,Z01 --time-per-mutant 1s --json --reports "${mkdtempSync(join(tmpdir(), 'raftsim-z01-'))}"`,
    );
    const report = JSON.parse(result.stdout) as { mutants: { name: string }[]; total: number };
    expect(report.mutants.map((m) => m.name)).to.deep.equal(['Z01']);
    expect(report.total).to.equal(1);
  });

  it('--json beside an output to /dev/stdout is refused: one standard output', () => {
    const result = shell('RAFTSIM run --seed 1 --json --history /dev/stdout | cat');
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.match(/--history and --json both write standard output/);
  });

  it('/dev/null takes any number of outputs, and --json beside it when stdout goes there too', () => {
    const result = shell(
      'RAFTSIM run --seed 1 --time 1s --json --trace /dev/null --history /dev/null > /dev/null',
    );
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stderr).to.equal('');
  });

  it('a file within the size limit that holds more characters than a string is named so', () => {
    // Gzip members one after another unpack as one text: 512 of 1 MiB each, just under the limit.
    const head = '{"format":"raftsim-history","version":1,"model":"kv","operations":[],"p":"';
    const mib = gzipSync(Buffer.alloc(1024 ** 2, 'a'));
    const members = [gzipSync(head), ...Array<Buffer>(511).fill(mib)];
    members.push(gzipSync(Buffer.alloc(1024 ** 2 - head.length - 20, 'a')), gzipSync('"}'));
    const path = join(mkdtempSync(join(tmpdir(), 'raftsim-long-')), 'long.json.gz');
    writeFileSync(path, Buffer.concat(members));
    const { code, stderr } = raftsimIn(tmpdir(), 'check', path);
    expect(code, stderr).to.equal(2);
    expect(stderr).to.match(/characters, the most one text can hold\)\n$/);
  });

  it('two outputs reaching one new file through a symlinked folder are refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-link-'));
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const { code, stderr } = raftsimIn(
      dir,
      ...['run', '--seed', '1', '--trace', 'real/x', '--history', 'link/x'],
    );
    expect(code).to.equal(2);
    expect(stderr).to.match(/--history and --trace both write \S*link\/x; give each/);
  });

  it("check's summary shows a file name's control characters escaped, on one line", () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-name-'));
    writeFileSync(join(dir, 'a\nb\u001b[31m.json'), history);
    const { code, stdout } = raftsimIn(dir, 'check', 'a\nb\u001b[31m.json');
    expect(code).to.equal(0);
    expect(stdout).to.equal(
      'check: a\\nb\\u001b[31m.json: ok (model kv, 0 operations, 0 partitions, 0 steps, ' +
        stdout.slice(stdout.indexOf('steps, ') + 7),
    );
    expect(stdout.trimEnd().split('\n')).to.have.length(1);
  });

  it('after --, --help is a file name, not a request for help', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-dashes-'));
    writeFileSync(join(dir, '--help'), history);
    const { code, stdout } = raftsimIn(dir, 'check', '--', '--help');
    expect(code).to.equal(0);
    expect(stdout).to.match(/^check: --help: ok \(model kv, 0 operations/);
  });

  it('replay never writes over the repro it replays, by any path to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'raftsim-self-'));
    const repro = join(dir, 'repro.json');
    writeFileSync(repro, reproText());
    mkdirSync(join(dir, 'sub'));
    symlinkSync(repro, join(dir, 'link.json'));
    for (const output of ['repro.json', 'sub/../repro.json', 'link.json']) {
      const { code, stderr } = raftsimIn(dir, 'replay', 'repro.json', '--html', output);
      expect(code, output).to.equal(2);
      expect(stderr, output).to.match(/^raftsim: --html would overwrite the repro repro\.json; /);
    }
    expect(readFileSync(repro, 'utf8')).to.equal(reproText());
  });

  it('standard output on a full disk is one line and exit 2, not a stack', () => {
    const result = shell('RAFTSIM run --seed 1 --time 1s > /dev/full');
    expect(result.status).to.equal(2);
    expect(result.stderr).to.equal('raftsim: cannot write standard output (ENOSPC)\n');
  });

  it('standard output that fails after a failure is kept still exits 1, the report in place', function () {
    this.timeout(60_000);
    const reports = join(mkdtempSync(join(tmpdir(), 'raftsim-full-')), 'reports');
    const line = `RAFTSIM fuzz --mutant Z02 --runs 3 --workers 0 --shrink-time 1s --json --reports ${reports}`;
    const result = shell(`${line} > /dev/full`);
    expect(result.stderr).to.include('raftsim: cannot write standard output (ENOSPC)\n');
    expect(result.status).to.equal(1);
    expect(readdirSync(reports).filter((name) => name.startsWith('seed-'))).to.have.length(1);
  });

  it('a streamed trace to a full standard output is one line and exit 2', () => {
    const result = shell('RAFTSIM run --seed 1 --time 1s --trace - > /dev/full');
    expect(result.status).to.equal(2);
    expect(result.stderr).to.equal('raftsim: cannot write standard output (ENOSPC)\n');
  });

  it('a reader that goes away ends the command quietly', () => {
    const result = shell('RAFTSIM run --seed 1 --trace - | head -c 10');
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.have.length(10);
  });
});
