import { expect } from 'chai';
import { runKv, type RunProgress } from '../run/kv-run.js';
import { seconds } from '../time.js';
import { runSeedConfig } from './run.js';
import { progressText, runProgressLine } from './run-progress.js';

/** A terminal that records what was written, and a clock the test moves. */
function fakeTerminal(isTTY = true) {
  const written: string[] = [];
  let ms = 0;
  return {
    written,
    stream: { isTTY, write: (text: string) => written.push(text) > 0 },
    clock: () => ms,
    advance: (by: number) => void (ms += by),
  };
}

const at = (virtualMicros: number, checkingCalls: number | null = null): RunProgress => ({
  virtualMicros,
  events: 2_500_000,
  checkingCalls,
});

describe('a run progress line', () => {
  it('says where the run stands: under faults, recovering, or checking the history', () => {
    const safety = seconds(10);
    expect(progressText('replay seed 8', safety, at(seconds(4)), 12_345)).to.equal(
      'replay seed 8: 4.000000s of 10.000000s under faults, 2.5 M events, 12.3 s',
    );
    expect(progressText('run seed 1', safety, at(seconds(12)), 500)).to.match(
      /^run seed 1: recovering at 12\.000000s \(faults ended at 10\.000000s\)/,
    );
    expect(progressText('run seed 1', safety, at(seconds(12), 4321), 500)).to.match(
      /^run seed 1: checking 4321 calls for linearizability/,
    );
  });

  it('writes nothing off a terminal, or when quiet', () => {
    for (const [tty, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      const t = fakeTerminal(tty);
      const line = runProgressLine('run', seconds(10), quiet, t.stream, t.clock);
      expect(line.onProgress).to.equal(undefined);
      line.done();
      expect(t.written).to.deep.equal([]);
    }
  });

  it('stays quiet for the first second, then updates at most four times a second', () => {
    const t = fakeTerminal();
    const line = runProgressLine('run', seconds(10), false, t.stream, t.clock);
    const report = line.onProgress as (p: RunProgress) => void;
    t.advance(900);
    report(at(seconds(1)));
    expect(t.written).to.have.length(0);
    t.advance(200);
    report(at(seconds(2)));
    t.advance(100);
    report(at(seconds(3)));
    expect(t.written).to.have.length(1);
    t.advance(200);
    report(at(seconds(4), 100)); // the check starts: shown at once, as a line is up
    expect(t.written).to.have.length(2);
    expect(t.written[1]).to.match(/^\rrun: checking 100 calls/);
    line.done();
    expect(t.written[2]).to.equal('\r\x1b[K');
  });

  it('a quick run clears nothing, but a long history is announced before its check', () => {
    const t = fakeTerminal();
    const line = runProgressLine('run', seconds(10), false, t.stream, t.clock);
    const report = line.onProgress as (p: RunProgress) => void;
    report(at(seconds(1), 100));
    line.done();
    expect(t.written).to.deep.equal([]);
    report(at(seconds(1), 50_000));
    expect(t.written[0]).to.match(/checking 50000 calls/);
  });

  it('a run observed for progress is the same run, reported in order up to its check', () => {
    const config = runSeedConfig(3, 5, 3, seconds(5));
    const reports: RunProgress[] = [];
    const onProgress = (p: RunProgress) => void reports.push(p);
    const observed = runKv({ ...config, onProgress, progressEvents: 100 });
    const plain = runKv(config);
    expect(observed.traceHash).to.equal(plain.traceHash);
    expect(reports.length).to.equal(Math.floor(plain.events / 100) + 1);
    const times = reports.map((p) => p.virtualMicros);
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    const last = reports.at(-1) as RunProgress;
    expect(last.checkingCalls).to.equal(plain.history.length);
    expect(last.events).to.equal(plain.events);
    expect(reports.slice(0, -1).every((p) => p.checkingCalls === null)).to.equal(true);
  });
});
