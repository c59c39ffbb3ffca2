import { expect } from 'chai';
import { checkParsed, HistoryFormatError, parseHistoryFile, RAFTSIM_FORMAT } from './index.js';

/** A raftsim-history document; `model: null` leaves the field out. */
const document = (operations: unknown[], model: string | null = 'kv') =>
  JSON.stringify({
    format: RAFTSIM_FORMAT,
    version: 1,
    ...(model === null ? {} : { model }),
    operations,
  });

const putOp = {
  client: 0,
  call: 100,
  return: 200,
  input: { op: 'put', key: 'a', value: 'x', version: 0 },
  output: { err: 'OK' },
};

describe('parseHistoryFile', () => {
  it('reads the raftsim format, with the model named in the file', () => {
    const open = { ...putOp, client: 1, call: 150, return: null, output: null };
    const history = parseHistoryFile(document([putOp, open]));
    expect(history.model).to.equal('kv');
    expect(history.operations).to.have.length(2);
    expect(history.operations[1]?.return).to.equal(null);
    expect(checkParsed(history).verdict).to.equal('ok');
  });

  it('takes the model from the hint when the file has none, and rejects a contradicting hint', () => {
    expect(parseHistoryFile(document([putOp], null), 'kv').model).to.equal('kv');
    expect(() => parseHistoryFile(document([putOp], null))).to.throw(
      HistoryFormatError,
      /no "model"/,
    );
    expect(() => parseHistoryFile(document([putOp]), 'etcd')).to.throw(
      HistoryFormatError,
      /kv history, not etcd/,
    );
  });

  it('reads etcd and kv-append operations in the raftsim format', () => {
    const etcd = [
      { client: 0, call: 0, return: 5, input: { op: 'write', value: 3 }, output: { ok: true } },
      { client: 1, call: 6, return: 9, input: { op: 'read' }, output: { value: 3 } },
      { client: 2, call: 7, return: null, input: { op: 'cas', from: 3, to: 4 }, output: null },
    ];
    expect(checkParsed(parseHistoryFile(document(etcd, 'etcd'))).verdict).to.equal('ok');
    const append = [
      {
        client: 0,
        call: 0,
        return: 5,
        input: { op: 'append', key: 'k', value: 'ab' },
        output: { ok: true },
      },
      { client: 1, call: 6, return: 9, input: { op: 'get', key: 'k' }, output: { value: 'ab' } },
    ];
    expect(checkParsed(parseHistoryFile(document(append, 'kv-append'))).verdict).to.equal('ok');
  });

  it('reads a kv append answered ErrMaybe as unseen: it may go in after its return, or never', () => {
    const append = (err: string) => ({
      client: 0,
      call: 0,
      return: 10,
      input: { op: 'append', key: 'k', value: 'a;' },
      output: { err },
    });
    const get = (call: number, seen: object) => ({
      client: 1,
      call,
      return: call + 10,
      input: { op: 'get', key: 'k' },
      output: seen,
    });
    const noKey = get(20, { err: 'ErrNoKey' });
    const late = get(40, { err: 'OK', value: 'a;', version: 1 });
    const verdict = (ops: object[]) => checkParsed(parseHistoryFile(document(ops))).verdict;
    const read = parseHistoryFile(document([append('ErrMaybe')])).operations[0];
    expect(read?.output).to.deep.equal({ err: 'ErrMaybe' }); // kept as written, checked as unseen
    expect(verdict([append('ErrMaybe'), noKey])).to.equal('ok');
    expect(verdict([append('ErrMaybe'), noKey, late])).to.equal('ok');
    expect(verdict([append('OK'), noKey])).to.equal('illegal');
  });

  it('recognises a Jepsen log and pairs events per process, :info as open', () => {
    const log = [
      'INFO  jepsen.util - 1\t:invoke\t:write\t1',
      'INFO  jepsen.util - 2  :invoke :cas  [1 2]',
      'INFO  jepsen.util - 1\t:ok\t:write\t1',
      'INFO  jepsen.util - 2\t:info\t:cas\t:timed-out',
      'INFO  jepsen.util - 3\t:invoke\t:read\tnil',
      'INFO  jepsen.util - 3\t:fail\t:read\t:timed-out',
    ].join('\n');
    const history = parseHistoryFile(log);
    expect(history.model).to.equal('etcd');
    expect(history.operations.map((op) => [op.client, op.call, op.return])).to.deep.equal([
      [1, 1, 3],
      [2, 2, null],
      [3, 5, 6],
    ]);
    expect(history.operations[2]?.output).to.equal(null);
  });

  it('recognises the kv EDN lines', () => {
    const edn = [
      '{:process 0, :type :invoke, :f :append, :key "1", :value "x 0 0 y"}',
      '{:process 0, :type :ok, :f :append, :key "1", :value "x 0 0 y"}',
      '{:process 1, :type :invoke, :f :get, :key "1", :value nil}',
      '{:process 1, :type :ok, :f :get, :key "1", :value "x 0 0 y"}',
    ].join('\n');
    const history = parseHistoryFile(edn);
    expect(history.model).to.equal('kv-append');
    expect(checkParsed(history).verdict).to.equal('ok');
  });

  it('reads EDN strings with escapes, and a long one whole', () => {
    const long = 'v'.repeat(1_000_000);
    const edn = [
      '{:process 0, :type :invoke, :f :put, :key "a\\"b\\\\c", :value "x\\ny"}',
      '{:process 0, :type :ok, :f :put, :key "a\\"b\\\\c", :value "x\\ny"}',
      `{:process 1, :type :invoke, :f :put, :key "k", :value "${long}"}`,
      `{:process 1, :type :ok, :f :put, :key "k", :value "${long}"}`,
    ].join('\n');
    const [escaped, big] = parseHistoryFile(edn).operations;
    expect(escaped?.input).to.deep.include({ key: 'a"b\\c', value: 'x\ny' });
    expect(big?.input).to.deep.include({ key: 'k', value: long });
    // What else Clojure's printer and reader know: form feed, backspace, \uXXXX.
    const more = [
      '{:process 0, :type :invoke, :f :put, :key "\\u00e9\\f", :value "\\b\\u00E9t\\u00e9"}',
      '{:process 0, :type :ok, :f :put, :key "\\u00e9\\f", :value "\\b\\u00E9t\\u00e9"}',
    ].join('\n');
    const [op] = parseHistoryFile(more).operations;
    expect(op?.input).to.deep.include({ key: '\u00e9\f', value: '\b\u00e9t\u00e9' });
  });

  const malformed: [string, string, RegExp][] = [
    ['not JSON', '{"format": ', /not valid JSON/],
    ['a wrong format tag', JSON.stringify({ format: 'x', version: 1, operations: [] }), /"format"/],
    ['an unknown model', document([], 'paxos'), /unknown model/],
    [
      'a return before its call',
      document([{ ...putOp, return: 50 }]),
      /operation 0: "return" is before "call"/,
    ],
    [
      'a time between two microseconds',
      document([{ ...putOp, call: 1.5 }]),
      /operation 0: "call" must be a time in whole microseconds/,
    ],
    [
      'an output on an open operation',
      document([{ ...putOp, return: null }]),
      /must have "output": null/,
    ],
    ['a bad put error', document([{ ...putOp, output: { err: 'Nope' } }]), /output.err/],
    [
      'a kv-append write answered other than {"ok": true}',
      document(
        [{ ...putOp, input: { op: 'put', key: 'a', value: 'x' }, output: { ok: false } }],
        'kv-append',
      ),
      /operation 0: a put's output must be \{"ok": true\}/,
    ],
    [
      'a kv-append append answered with extra fields',
      document(
        [{ ...putOp, input: { op: 'append', key: 'a', value: 'x' }, output: { ok: true, v: 1 } }],
        'kv-append',
      ),
      /operation 0: an append's output must be/,
    ],
    ['a bad input', document([{ ...putOp, input: { op: 'put', key: 'a' } }]), /input.value/],
    [
      'a negative version',
      document([{ ...putOp, input: { ...putOp.input, version: -1 } }]),
      /operation 0: input.version must be an integer, 0 or more/,
    ],
    [
      'a Jepsen completion without invocation',
      'INFO  jepsen.util - 1\t:ok\t:read\t3',
      /line 1: .*no open invocation/,
    ],
    [
      'two Jepsen lines run together into one read invocation',
      'INFO  jepsen.util - 0\t:invoke\t:read\tnil - 5 :ok :read 3',
      /line 1: a read invoked with "nil - 5 :ok :read 3", not nil/,
    ],
    [
      'a Jepsen write answered with another value than it was invoked with',
      'INFO  jepsen.util - 1\t:invoke\t:write\t1\nINFO  jepsen.util - 1\t:ok\t:write\t2',
      /line 2: :ok :write of process 1 says "2", invoked with "1"/,
    ],
    [
      'an EDN line of a negative process',
      '{:process -1, :type :invoke, :f :get, :key "1", :value nil}',
      /line 1: :process must be an integer, 0 or more/,
    ],
    ['a bad EDN line', '{:process 1, :type :invoke, :f :get, :key "1", :value nil', /line 1/],
    [
      'an EDN put completed with another value than its invocation',
      '{:process 1, :type :invoke, :f :put, :key "1", :value "x"}\n' +
        '{:process 1, :type :ok, :f :put, :key "1", :value "y"}',
      /line 2: :ok :put of process 1 names another value than its invocation/,
    ],
    [
      'an EDN key given twice in one map',
      '{:process 1, :type :invoke, :f :get, :key "1", :key "2", :value nil}',
      /line 1, column \d+: :key given twice in one map/,
    ],
    [
      'JSON nested deeper than the duplicate-key scan follows (refused before JSON.parse)',
      document([]).replace('"operations":[]', `"operations":${'['.repeat(200_000)}`),
      /^nested more than 100,000 levels deep$/,
    ],
    [
      'a JSON key given twice in one operation',
      document([putOp]).replace('"key":"a"', '"key":"a","key":"b"'),
      /^operations\[0\]\.input\.key: given twice in one object/,
    ],
    [
      'a Jepsen value of a thousand and more characters (read without splitting the line)',
      `INFO  jepsen.util - 1\t:invoke\t:write\t${'7 '.repeat(600)}`,
      /line 1: a value of over 1000 characters/,
    ],
    [
      'an EDN string with an unknown escape (or \\u without four hex digits)',
      '{:process 1, :type :invoke, :f :get, :key "a\\u12g", :value nil}',
      /line 1, column 46: unsupported escape in a string/,
    ],
    [
      'an unterminated EDN string',
      '{:process 1, :type :invoke, :f :get, :key "ab',
      /line 1, column 46: unterminated string/,
    ],
    ['unrecognised text', 'hello world', /unrecognised format/],
  ];
  for (const [what, text, message] of malformed) {
    it(`rejects ${what} with one clear line`, () => {
      expect(() => parseHistoryFile(text)).to.throw(HistoryFormatError, message);
      try {
        parseHistoryFile(text);
      } catch (error) {
        expect(String((error as Error).message)).to.not.include('\n');
      }
    });
  }
});
