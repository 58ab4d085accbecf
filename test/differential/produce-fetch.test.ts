// Differential: Produce (v3, v7, v9, v11) and Fetch (v4, v11, v12, v13, v17) with every codec - offsets assigned,
// high watermark, log start offset, and the stored batches decoded record by record - plus fetches at and beyond
// the log end, unknown topics/partitions/ids, and the produce errors a broker must give (bad CRC, too large, zstd
// on an old version, unknown partition, several batches, bad acks, old versions, timestamps out of range).
import { afterAll, beforeAll, describe, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait.js';
import { CRC_OFFSET } from '../../worker/protocol/records/record-batch.js';
import { Compression } from '../../worker/protocol/records/compression.js';
import { COMMON, ZERO_UUID, decodeRecords, expectSame, keyBy, printToleratedSummary, startPair, type Allow, type Pair, type System } from './harness.js';
import { T0, batch, createTopic, fetchBody, produce, produceBody, type FetchTarget } from './requests.js';

const kafka = kafkaAvailable();

/** A Produce v9 frame, written without waiting for an answer (acks=0 gets none). */
function RawClientFrame(body: unknown): Buffer {
  return RawClient.frame(0, 9, body, 1);
}

const CODECS = Object.entries(Compression) as [keyof typeof Compression, number][];
const FETCH_VERSIONS = [4, 11, 12, 13, 17] as const;

const ALLOW: Allow[] = [
  ...COMMON,
  { path: '**.records', reason: 'record sets compared as decoded batches and records (bytes differ only where a field does)', normalize: decodeRecords },
  // Kafka answers Produce in hash order of topics, not request order; clients match results by name.
  { path: 'responses', reason: 'topic order is not part of the contract', normalize: keyBy('name') },
];

/** Three batches: keys, null keys, null values, headers; 2 + 3 + 1 records. */
function sampleBatches(codec: number): Buffer[] {
  return [
    batch([{ key: 'k0', value: 'v0' }, { key: 'k1', value: 'v1', headers: [{ key: 'h', value: 'x' }] }], { compression: codec }),
    batch([{ key: null, value: 'v2' }, { key: 'k3', value: null }, { key: 'k4', value: 'v4'.repeat(50), headers: [{ key: 'a', value: null }, { key: 'b', value: 'β' }] }], {
      compression: codec,
    }),
    batch([{ key: 'k5', value: 'v5', timestamp: T0 + 1000n }], { compression: codec }),
  ];
}

describe.skipIf(!kafka.available)('differential: produce and fetch', () => {
  let pair: Pair;
  const ids = new Map<System, Map<string, string>>();

  beforeAll(async () => {
    pair = await startPair({ nodes: 1 });
    await pair.both(async (s) => {
      const mine = new Map<string, string>();
      ids.set(s, mine);
      for (const [name] of CODECS) mine.set(`pf-${name}`, await createTopic(s, `pf-${name}`));
      mine.set('pf-two', await createTopic(s, 'pf-two', { partitions: 2 }));
      await createTopic(s, 'pf-small', { configs: { 'max.message.bytes': '1000' } });
      await createTopic(s, 'pf-errors');
      await createTopic(s, 'pf-append-time', { configs: { 'message.timestamp.type': 'LogAppendTime' } });
      await createTopic(s, 'pf-acks0');
    });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('produce-fetch.test.ts');
    await pair?.stop();
  });

  async function same(label: string, scenario: (s: System) => Promise<unknown>, allow: Allow[] = ALLOW): Promise<void> {
    const r = await pair.both(scenario);
    expectSame(label, r.eddy, r.kafka, allow, pair);
  }

  function target(s: System, topic: string, partition: number, offset: bigint, extra: Partial<FetchTarget> = {}): FetchTarget {
    return { topic, topicId: ids.get(s)?.get(topic) ?? ZERO_UUID, partition, offset, ...extra };
  }

  for (const [name, codec] of CODECS) {
    describe(`codec ${name}`, () => {
      test('produce assigns offsets batch by batch (v9, then v7 and v11)', async () => {
        await same(`produce ${name}`, async (s) => {
          const [a, b, c] = sampleBatches(codec);
          return [await produce(s, 9, `pf-${name}`, 0, a!), await produce(s, 7, `pf-${name}`, 0, b!), await produce(s, 11, `pf-${name}`, 0, c!)];
        });
      });

      for (const v of FETCH_VERSIONS) {
        test(`fetch v${v} from 0, from the middle of a batch, and at the end`, async () => {
          await same(`fetch ${name} v${v}`, async (s) => {
            const topic = `pf-${name}`;
            const all = await s.request(1, v, fetchBody(v, [target(s, topic, 0, 0n)]));
            const middle = await s.request(1, v, fetchBody(v, [target(s, topic, 0, 3n)]));
            const end = await s.request(1, v, fetchBody(v, [target(s, topic, 0, 6n)]));
            return { all, middle, end };
          });
        });
      }
    });
  }

  test('zstd needs Produce v7: v3 and v6 get UNSUPPORTED_COMPRESSION_TYPE', async () => {
    await same('zstd old versions', async (s) => {
      const z = () => batch([{ key: 'z', value: 'zstd' }], { compression: Compression.zstd });
      return [await produce(s, 3, 'pf-errors', 0, z()), await produce(s, 6, 'pf-errors', 0, z())];
    });
  });

  test('a bad CRC is CORRUPT_MESSAGE', async () => {
    await same('bad crc', async (s) => {
      const b = batch([{ key: 'k', value: 'v' }]);
      b.writeUInt32BE((b.readUInt32BE(CRC_OFFSET) ^ 0xffff) >>> 0, CRC_OFFSET);
      return produce(s, 9, 'pf-errors', 0, b);
    });
  });

  test('a batch over max.message.bytes is MESSAGE_TOO_LARGE', async () => {
    await same('too large', async (s) => [
      await produce(s, 9, 'pf-small', 0, batch([{ key: 'k', value: 'x'.repeat(2000) }])),
      await produce(s, 3, 'pf-small', 0, batch([{ key: 'k', value: 'x'.repeat(2000) }])),
      // Compressed: the limit is on the stored (compressed) size.
      await produce(s, 9, 'pf-small', 0, batch([{ key: 'k', value: 'x'.repeat(2000) }], { compression: Compression.gzip })),
    ]);
  });

  test('unknown partition and unknown topic are UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await same('missing partition', async (s) => {
      const res = await s.request(0, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [
          { name: 'pf-errors', partitionData: [{ index: 7, records: batch([{ value: 'a' }]) }] },
          { name: 'pf-no-such-topic', partitionData: [{ index: 0, records: batch([{ value: 'b' }]) }] },
        ],
      });
      return res;
    });
  });

  test('two batches for one partition, an empty record set, a control batch, cut-off batches: INVALID_RECORD / CORRUPT_MESSAGE', async () => {
    const allow: Allow[] = [
      ...ALLOW,
    ];
    await same('invalid payloads', async (s) => [
      await produce(s, 9, 'pf-errors', 0, Buffer.concat([batch([{ value: 'a' }]), batch([{ value: 'b' }])])),
      await produce(s, 9, 'pf-errors', 0, Buffer.alloc(0)),
      await produce(s, 9, 'pf-errors', 0, batch([{ key: '\u0000\u0000\u0000\u0001', value: '\u0000\u0000\u0000\u0000\u0000\u0000' }], { isControl: true })),
      await produce(s, 9, 'pf-errors', 0, batch([{ value: 'a' }]).subarray(0, 40)),
      await produce(s, 9, 'pf-errors', 0, batch([{ value: 'truncated record batch' }]).subarray(0, 60)),
      await produce(s, 9, 'pf-errors', 0, Buffer.concat([batch([{ value: 'trailing' }]), Buffer.from([0, 0, 0, 0, 0])])),
    ], allow);
  });

  test('acks other than -1, 0, 1 is INVALID_REQUIRED_ACKS', async () => {
    await same('bad acks', (s) => s.request(0, 9, produceBody('pf-errors', 0, batch([{ value: 'a' }]), 2)));
  });

  test('Produce v0-v2 (magic 0/1 only) are refused', async () => {
    for (const v of [0, 1, 2]) {
      await same(`produce v${v}`, async (s) => {
        const c = await s.connect();
        const res = await c.request(0, v, produceBody('pf-errors', 0, batch([{ value: 'old' }])));
        c.close();
        return res ?? 'connection closed';
      });
    }
  });

  test('timestamps too far in the future are INVALID_TIMESTAMP with a record error', async () => {
    await same('future timestamp', async (s) => produce(s, 9, 'pf-errors', 0, batch([{ value: 'late', timestamp: BigInt(Date.now()) + 2n * 3600_000n }])), [
      ...ALLOW,
      { path: '**.errorMessage', reason: 'names the broker clock: compared without numbers', normalize: (m) => (typeof m === 'string' ? m.replace(/\d+/g, 'N') : m) },
      { path: '**.batchIndexErrorMessage', reason: 'names the broker clock: compared without numbers', normalize: (m) => (typeof m === 'string' ? m.replace(/\d+/g, 'N') : m) },
    ]);
  });

  test('after the errors the partition is unharmed: fetch v12 sees only the good batches', async () => {
    await same('after errors', async (s) => {
      await produce(s, 9, 'pf-errors', 0, batch([{ key: 'ok', value: 'fine' }]));
      return s.request(1, 12, fetchBody(12, [target(s, 'pf-errors', 0, 0n)]));
    });
  });

  test('LogAppendTime topics: the broker stamps the batch; produce returns the append time', async () => {
    const stamped: Allow[] = [
      ...ALLOW,
      { path: '**.logAppendTimeMs', reason: 'the broker clock: compared as "a time"', normalize: (t: bigint) => (t > 0n ? 'a time' : t) },
      { path: '**.records[*].maxTimestamp', reason: 'the broker clock', normalize: (t: bigint) => (t > T0 ? 'append time' : t) },
      { path: '**.records[*].crc', reason: 'covers the broker-set timestamp', normalize: () => 'crc' },
      { path: '**.records[*].records[*].timestamp', reason: 'the broker clock', normalize: (t: bigint) => (t > T0 ? 'append time' : t) },
    ];
    await same(
      'log append time',
      async (s) => {
        const p = await produce(s, 9, 'pf-append-time', 0, batch([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]));
        const f = await s.request(1, 12, fetchBody(12, [target(s, 'pf-append-time', 0, 0n)]));
        return { p, f };
      },
      stamped,
    );
  });

  test('fetch: two partitions, one empty; an unknown partition; an unknown topic (v12) and an unknown topic id (v13)', async () => {
    for (const v of [12, 13] as const) {
      await same(`fetch errors v${v}`, async (s) => {
        await produce(s, 9, 'pf-two', 0, batch([{ key: 'x', value: 'y' }]));
        const two = await s.request(1, v, fetchBody(v, [target(s, 'pf-two', 0, 0n), target(s, 'pf-two', 1, 0n)]));
        const unknownPartition = await s.request(1, v, fetchBody(v, [target(s, 'pf-two', 9, 0n)]));
        const unknownTopic = await s.request(1, v, fetchBody(v, [{ topic: 'pf-nope', topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition: 0, offset: 0n }]));
        return { two, unknownPartition, unknownTopic };
      });
    }
  });

  test('fetch at an offset out of range (beyond the end, negative) is OFFSET_OUT_OF_RANGE', async () => {
    for (const v of FETCH_VERSIONS) {
      await same(`out of range v${v}`, async (s) => {
        const beyond = await s.request(1, v, fetchBody(v, [target(s, 'pf-none', 0, 100n)]));
        const negative = await s.request(1, v, fetchBody(v, [target(s, 'pf-none', 0, -5n)]));
        return { beyond, negative };
      });
    }
  });

  test('fetch size limits: partition_max_bytes smaller than a batch still returns the first batch (KIP-74)', async () => {
    await same('size limits', async (s) => {
      const tiny = await s.request(1, 12, fetchBody(12, [target(s, 'pf-none', 0, 0n, { partitionMaxBytes: 10 })]));
      const twoParts = await s.request(1, 12, fetchBody(12, [target(s, 'pf-none', 0, 0n, { partitionMaxBytes: 10 }), target(s, 'pf-gzip', 0, 0n, { partitionMaxBytes: 10 })]));
      const maxBytes = await s.request(1, 12, fetchBody(12, [target(s, 'pf-none', 0, 0n), target(s, 'pf-gzip', 0, 0n)], { maxBytes: 10 }));
      return { tiny, twoParts, maxBytes };
    });
  });

  test('long poll: min_bytes at the end of the log waits max_wait_ms and returns nothing', async () => {
    await same('long poll', async (s) => {
      const started = Date.now();
      const res = await s.request(1, 12, fetchBody(12, [target(s, 'pf-none', 0, 6n)], { maxWaitMs: 300, minBytes: 1 }));
      return { res, waited: Date.now() - started >= 250 };
    });
  });

  test('read_committed without transactions: the same records, last stable offset = high watermark, no aborted transactions', async () => {
    await same('read committed', async (s) => s.request(1, 12, fetchBody(12, [target(s, 'pf-lz4', 0, 0n)], { isolationLevel: 1 })));
  });

  test('acks=0: no answer at all, and the record is in the log', async () => {
    await same('acks 0', async (s) => {
      const c = await s.connect();
      c.writeRaw(RawClientFrame(produceBody('pf-acks0', 0, batch([{ key: 'k', value: 'fire and forget' }]), 0)));
      const answered = await c.nextFrame(500).then(
        () => true,
        () => false,
      );
      c.close();
      const fetched = await waitFor(async () => {
        const r = await s.request(1, 12, fetchBody(12, [target(s, 'pf-acks0', 0, 0n)]));
        return r.responses[0].partitions[0].highWatermark === 1n ? r : null;
      });
      return { answered, fetched };
    });
  });

  test('fetch sessions (KIP-227): a full fetch with session epoch 0 asks for a session', async () => {
    await same(
      'fetch session',
      async (s) => {
        const body = { ...fetchBody(12, [target(s, 'pf-none', 0, 6n)]), sessionId: 0, sessionEpoch: 0 };
        return s.request(1, 12, body);
      },
      [
        ...ALLOW,
        {
          path: 'sessionId',
          reason: 'KNOWN-GAPS.md "Fetch sessions": Eddy declines sessions (session id 0), so clients keep sending full fetches',
          normalize: (id: number) => (id !== 0 ? 'a session id' : id),
          eddy: 0,
          kafka: 'a session id',
        },
      ],
    );
  });

  test('a current leader epoch newer than the leader is UNKNOWN_LEADER_EPOCH', async () => {
    await same('leader epoch', async (s) => s.request(1, 12, fetchBody(12, [target(s, 'pf-none', 0, 0n, { currentLeaderEpoch: 5 })])));
  });
});
