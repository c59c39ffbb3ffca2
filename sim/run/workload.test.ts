import { expect } from 'chai';
import { reliable } from '../profiles.js';
import { seconds } from '../time.js';
import { runKv } from './kv-run.js';
import { LONG_VALUE } from './workload.js';

describe('workload: long values', () => {
  it('a clerk that read a long value puts instead of appending, so values stay bounded', function () {
    this.timeout(120_000);
    const result = runKv({
      seed: 3,
      servers: 3,
      profile: reliable,
      faults: [],
      safetyMicros: seconds(10),
      workload: {
        clerks: 3,
        keys: 1,
        getPerMille: 300,
        appendPerMille: 1000,
        thinkMinMicros: 0,
        thinkMaxMicros: 0,
      },
    });
    expect(result.verdict).to.equal('ok');
    const reads = result.history.flatMap((op) =>
      op.output !== null && 'value' in op.output ? [op.output.value.length] : [],
    );
    const longest = Math.max(...reads);
    // Each clerk may append a few more times between its read and the next: a small overshoot.
    expect(longest)
      .to.be.above(LONG_VALUE)
      .and.below(2 * LONG_VALUE);
    const puts = result.history.filter((op) => op.input.op === 'put').length;
    expect(puts).to.be.greaterThan(0);
  });
});
