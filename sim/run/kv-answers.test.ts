import { expect } from 'chai';
import type { KvCommand, KvReply } from '../../raft/kv/types.js';
import type { KvInput } from '../check/index.js';
import { violationRaised } from '../testing/violations.js';
import { AnswerCheck } from './kv-answers.js';

/**
 * 3 servers (0..2), one clerk (node 3) with one open call; server 0 applied through `applied`.
 * `applied(index, command)` writes the run's log, as the run does, and tells the check.
 */
function setup(open: { seq: number; input: KvInput } | null, applied: number) {
  const log: KvCommand[] = [];
  const check = new AnswerCheck(
    log,
    3,
    { openCall: (node, seq) => (node === 3 && open?.seq === seq ? open.input : null) },
    (node) => (node === 0 ? applied : 0),
    () => ({ t: 100, event: 9 }),
  );
  return {
    applied(index: number, command: KvCommand) {
      log[index] = command;
      check.applied(index);
    },
    beforeSend: (node: number, to: number, message: KvReply) => check.beforeSend(node, to, message),
  };
}

const reply = (seq: number, err: KvReply['err']): KvReply => ({
  type: 'KvReply',
  seq,
  err,
  value: '',
  version: 1,
});
const put: KvInput = { op: 'put', key: 'k', value: 'v', version: 0 };
const putCommand = {
  clerk: 3,
  seq: 2,
  op: { kind: 'put', key: 'k', value: 'v', version: 0 },
} as const;

function verdict(act: () => void): string | null {
  return violationRaised(act)?.message ?? null;
}

describe('AnswerCheck (DUR when a server answers a call)', () => {
  it('passes an answer to a write the server has applied', () => {
    const check = setup({ seq: 2, input: put }, 5);
    check.applied(4, putCommand);
    expect(verdict(() => check.beforeSend(0, 3, reply(2, 'OK')))).to.equal(null);
  });

  it('fails an answer to a write not yet applied, or applied only beyond the server', () => {
    const unapplied = setup({ seq: 2, input: put }, 5);
    unapplied.applied(4, { ...putCommand, seq: 1 }); // the clerk's previous call, not this one
    expect(verdict(() => unapplied.beforeSend(0, 3, reply(2, 'OK')))).to.match(
      /node 0 answered put 2 of clerk 3 with OK, version 1, but it has not applied that call \(applied through 5\)/,
    );
    const ahead = setup({ seq: 2, input: put }, 3);
    ahead.applied(4, putCommand);
    expect(verdict(() => ahead.beforeSend(0, 3, reply(2, 'ErrVersion')))).to.match(
      /answered put 2/,
    );
  });

  it("fails an answer other than the call's one execution: its error, its version", () => {
    // Index 1 puts k at version 1; index 2 is the clerk's put of version 0: ErrVersion.
    const other = {
      clerk: 4,
      seq: 1,
      op: { kind: 'put', key: 'k', value: 'w', version: 0 },
    } as const;
    const refused = setup({ seq: 2, input: put }, 2);
    refused.applied(1, other);
    refused.applied(2, putCommand);
    expect(verdict(() => refused.beforeSend(0, 3, reply(2, 'ErrVersion')))).to.equal(null);
    expect(verdict(() => refused.beforeSend(0, 3, reply(2, 'OK')))).to.match(
      /answered put 2 of clerk 3 with OK, version 1, but its execution answered ErrVersion, version 1/,
    );
    // An append after it leaves k at version 2, and says so.
    const append: KvInput = { op: 'append', key: 'k', value: 'x' };
    const appended = setup({ seq: 2, input: append }, 2);
    appended.applied(1, other);
    appended.applied(2, { clerk: 3, seq: 2, op: { kind: 'append', key: 'k', value: 'x' } });
    const answer = (version: number) => ({ ...reply(2, 'OK'), version });
    expect(verdict(() => appended.beforeSend(0, 3, answer(2)))).to.equal(null);
    expect(verdict(() => appended.beforeSend(0, 3, answer(1)))).to.match(
      /answered append 2 of clerk 3 with OK, version 1, but its execution answered OK, version 2/,
    );
  });

  it('fails a put whose answer names another version than the one its execution left', () => {
    const check = setup({ seq: 2, input: put }, 1);
    check.applied(1, putCommand); // creates k: version 1
    expect(verdict(() => check.beforeSend(0, 3, { ...reply(2, 'OK'), version: 0 }))).to.match(
      /answered put 2 of clerk 3 with OK, version 0, but its execution answered OK, version 1/,
    );
  });

  it('judges a read as it judges a write: applied first, then its value and version', () => {
    const getCommand = { clerk: 3, seq: 2, op: { kind: 'get', key: 'k' } } as const;
    const write = {
      clerk: 4,
      seq: 1,
      op: { kind: 'put', key: 'k', value: 'w', version: 0 },
    } as const;
    const read = (value: string, version: number): KvReply => ({
      ...reply(2, 'OK'),
      value,
      version,
    });
    // Applied through 1 only: the read at index 2 is not yet applied, whatever it says.
    const early = setup({ seq: 2, input: { op: 'get', key: 'k' } }, 1);
    early.applied(1, write);
    early.applied(2, getCommand);
    expect(verdict(() => early.beforeSend(0, 3, read('w', 1)))).to.match(
      /answered get 2 of clerk 3 with OK, version 1, value "w", but it has not applied that call/,
    );
    const applied = setup({ seq: 2, input: { op: 'get', key: 'k' } }, 2);
    applied.applied(1, write);
    applied.applied(2, getCommand);
    expect(verdict(() => applied.beforeSend(0, 3, read('w', 1)))).to.equal(null);
    // A stale read: the value before the put at index 1.
    expect(
      verdict(() => applied.beforeSend(0, 3, { ...reply(2, 'ErrNoKey'), version: 0 })),
    ).to.match(
      /with ErrNoKey, version 0, value "", but its execution answered OK, version 1, value "w"/,
    );
    expect(verdict(() => applied.beforeSend(0, 3, read('v', 1)))).to.match(/value "v", but/);
  });

  it('leaves alone what is no answer to an open call: wrong leader, old calls, server traffic', () => {
    const check = setup({ seq: 2, input: put }, 0);
    expect(verdict(() => check.beforeSend(0, 3, reply(2, 'ErrWrongLeader')))).to.equal(null);
    expect(verdict(() => check.beforeSend(0, 3, reply(1, 'OK')))).to.equal(null);
    expect(verdict(() => check.beforeSend(0, 1, reply(2, 'OK')))).to.equal(null);
  });
});
