import { raftCodec } from '../../raft/codec.js';
import type { RaftMessage } from '../../raft/messages.js';
import { logIndex, term } from '../../raft/types.js';
import { jsonCodec, msgpackCodec, type Codec } from '../codec.js';
import { measureRate, spreadBy } from './measure.js';
import { fmtSpread, repeat, type BenchSuite } from './suite.js';

/** The commonest message on a Raft network: a leader's heartbeat. */
const HEARTBEAT: RaftMessage = {
  type: 'AppendEntries',
  term: term(7),
  prevLogIndex: logIndex(1234),
  prevLogTerm: term(7),
  entries: [],
  leaderCommit: logIndex(1230),
};

/** Microseconds per encode + decode of one heartbeat. */
function roundTripMicros(codec: Codec<RaftMessage>, minSeconds: number): number {
  const batch = 10_000;
  let sink = 0;
  const rate = measureRate(() => {
    for (let i = 0; i < batch; i++) sink += codec.decode(codec.encode(HEARTBEAT)).term;
    return batch;
  }, minSeconds);
  if (sink < 0) throw new Error('unreachable: keeps the decoded messages alive');
  return 1e6 / rate.perSecond;
}

/**
 * Encode + decode of a heartbeat by the Raft core's fixed layout (raft/codec.ts), by the generic
 * MessagePack codec, and by JSON through UTF-8: why the core brings its own codec.
 */
export const codecSuite: BenchSuite = {
  name: 'codec',
  about: 'encode + decode of a heartbeat: fixed layout, msgpackr, JSON (µs)',
  async run({ repetitions, minSeconds, log }) {
    const codecs = {
      fixed: raftCodec,
      msgpack: msgpackCodec<RaftMessage>(),
      json: jsonCodec<RaftMessage>(),
    };
    const samples = await repeat(repetitions, () => ({
      fixed: roundTripMicros(codecs.fixed, minSeconds / 4),
      msgpack: roundTripMicros(codecs.msgpack, minSeconds / 4),
      json: roundTripMicros(codecs.json, minSeconds / 4),
    }));
    const fixed = spreadBy(samples, (s) => s.fixed);
    const msgpack = spreadBy(samples, (s) => s.msgpack);
    const json = spreadBy(samples, (s) => s.json);
    log(
      `heartbeat encode + decode (µs):     fixed layout ${fmtSpread(fixed, 3)}, ` +
        `msgpackr ${fmtSpread(msgpack, 3)}, JSON ${fmtSpread(json, 3)}`,
    );
    return { codecFixedMicros: fixed, codecMsgpackMicros: msgpack, codecJsonMicros: json };
  },
};
