import { expect } from 'chai';
import { logIndex, term, type ApplyMsg } from '../../raft/types.js';
import { Applier } from './applier.js';
import { encodeValue } from './values.js';

function command(index: number, value: number): ApplyMsg {
  return {
    commandValid: true,
    command: encodeValue(value),
    commandIndex: logIndex(index),
    commandTerm: term(1),
    snapshotValid: false,
  };
}

/** The message of what `act` throws, or null. */
function failure(act: () => void): string | null {
  try {
    act();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe("the lab's applied-log record", () => {
  const applier = () => new Applier(3, false, () => {});

  it('takes each index as last applied + 1, and counts the servers that applied it', () => {
    const record = applier();
    for (const server of [0, 1]) for (let i = 1; i <= 3; i++) record.apply(server, command(i, i));
    expect(record.nCommitted(3)).to.deep.equal({ count: 2, value: 3 });
  });

  it('refuses an index applied again, even without snapshots', () => {
    const record = applier();
    for (let i = 1; i <= 3; i++) record.apply(0, command(i, i));
    expect(failure(() => record.apply(0, command(2, 2)))).to.match(/apply out of order/);
  });

  it('a restarted server starts a record of its own: from index 1, counted anew', () => {
    const record = applier();
    for (let i = 1; i <= 5; i++) record.apply(0, command(i, i));
    record.restart(0, new Uint8Array(0));
    expect(record.nCommitted(5).count).to.equal(0);
    expect(failure(() => record.apply(0, command(5, 5)))).to.match(/expected index 1, got 5/);
  });
});
