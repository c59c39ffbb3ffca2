import { expect } from 'chai';
import { checkParsed, parseHistoryFile } from './index.js';
import { hardHistory } from './random-histories.js';

describe('the checker budget counts all partitions together', () => {
  const history = parseHistoryFile(hardHistory(6, 16));

  it('many hard partitions end unknown within one budget, not one budget each', () => {
    const budget = 40_000;
    const result = checkParsed(history, { budget });
    expect(result.verdict).to.equal('unknown');
    expect(result.partitions).to.equal(6);
    expect(result.unknownPartitions).to.have.length(6);
    // A search may overrun its last slice by a few lookahead walks, never by whole budgets.
    expect(result.steps).to.be.within(budget, budget * 1.1);
  });

  it('a budget that suffices still gives the verdict', () => {
    const small = parseHistoryFile(hardHistory(2, 4));
    const result = checkParsed(small, { budget: 1_000_000 });
    expect(result.verdict).to.equal('illegal');
  });

  it("a caller's clock stops the search: unknown, never ok, and said so", () => {
    let looks = 0;
    const result = checkParsed(history, {
      budget: 10_000_000,
      outOfTime: () => ++looks >= 3,
    });
    expect(result.verdict).to.equal('unknown');
    expect(result.outOfTime).to.equal(true);
    expect(result.unknownPartitions).to.have.length(6);
    expect(looks).to.equal(3);
    // Looked at every thousand or so steps: three looks, a few thousand steps.
    expect(result.steps).to.be.within(2 * 1024, 4 * 1024);
  });

  it('the clock is asked across partitions too small to reach a look on their own', () => {
    const keys = 3000;
    const lines: string[] = [];
    for (let k = 0; k < keys; k++) {
      lines.push(`{:process ${k}, :type :invoke, :f :put, :key "k${k}", :value "v"}`);
      lines.push(`{:process ${k}, :type :ok, :f :put, :key "k${k}", :value "v"}`);
    }
    const many = parseHistoryFile(`${lines.join('\n')}\n`);
    expect(checkParsed(many).verdict).to.equal('ok');
    const stopped = checkParsed(many, { outOfTime: () => true });
    expect(stopped).to.include({ verdict: 'unknown', outOfTime: true });
    expect(stopped.unknownPartitions.length).to.be.above(keys / 2);
  });

  it('a clock that never stops the search changes no verdict', () => {
    const small = parseHistoryFile(hardHistory(2, 4));
    const timed = checkParsed(small, { budget: 1_000_000, outOfTime: () => false });
    expect(timed.verdict).to.equal('illegal');
    expect(timed.outOfTime).to.equal(false);
    // Decided within the first stretch, before the clock is asked.
    const quick = checkParsed(parseHistoryFile(hardHistory(1, 1)), { outOfTime: () => true });
    expect(quick).to.include({ verdict: 'illegal', outOfTime: false });
  });
});
