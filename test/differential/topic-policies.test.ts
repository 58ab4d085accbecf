// Differential: what a topic's configs do to a produced batch (Kafka's LogValidator). Compacted topics
// (cleanup.policy compact, and compact,delete) refuse records without a key with INVALID_RECORD and one record error
// per keyless record; a topic with compression.type other than "producer" stores every batch in its own codec, so
// a consumer fetches the records recompressed, with offsets, timestamps, keys, values, headers and producer fields
// unchanged.
import { afterAll, beforeAll, describe, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { Compression } from '../../worker/protocol/records/compression.js';
import { COMMON, decodeRecords, expectSame, keyBy, printToleratedSummary, startPair, type Allow, type Pair, type System } from './harness.js';
import { batch, createTopic, fetchBody, produce } from './requests.js';

const kafka = kafkaAvailable();

const ALLOW: Allow[] = [
  ...COMMON,
  { path: '**.records', reason: 'record sets compared as decoded batches and records', normalize: decodeRecords },
  { path: 'responses', reason: 'topic order is not part of the contract', normalize: keyBy('topic') },
];

/** Recompressed batches: the compressed bytes (and so the CRC over them) depend on the codec library. */
const RECOMPRESSED: Allow[] = [...ALLOW, { path: '**.records[*].crc', reason: 'covers bytes of another compressor implementation', normalize: () => 'crc' }];

const TOPIC_CODECS = ['uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

const keyed = () => [
  { key: 'k0', value: 'v0', headers: [{ key: 'h', value: 'x' }] },
  { key: 'k1', value: null },
  { key: 'k2', value: 'v2'.repeat(100) },
];

describe.skipIf(!kafka.available)('differential: topic policies on produce', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1 });
    await pair.both(async (s) => {
      await createTopic(s, 'tp-compact', { configs: { 'cleanup.policy': 'compact' } });
      await createTopic(s, 'tp-compact-delete', { configs: { 'cleanup.policy': 'compact,delete' } });
      for (const c of TOPIC_CODECS) await createTopic(s, `tp-${c}`, { configs: { 'compression.type': c } });
      await createTopic(s, 'tp-small-gzip', { configs: { 'compression.type': 'uncompressed', 'max.message.bytes': '1500' } });
    });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('topic-policies.test.ts');
    await pair?.stop();
  });

  async function same(label: string, scenario: (s: System) => Promise<unknown>, allow: Allow[] = ALLOW): Promise<void> {
    const r = await pair.both(scenario);
    expectSame(label, r.eddy, r.kafka, allow, pair);
  }

  const fetchAll = (s: System, topic: string) => s.request(1, 12, fetchBody(12, [{ topic, partition: 0, offset: 0n }]));

  for (const topic of ['tp-compact', 'tp-compact-delete']) {
    test(`${topic}: records without a key are INVALID_RECORD with one record error each; keyed batches are stored`, async () => {
      await same(`${topic} keys`, async (s) => [
        await produce(s, 9, topic, 0, batch(keyed())),
        await produce(s, 9, topic, 0, batch([{ key: 'a', value: '1' }, { key: null, value: '2' }, { key: 'c', value: '3' }])),
        // Five keyless records: every one is a record error; the message shows the first three.
        await produce(s, 9, topic, 0, batch([0, 1, 2, 3, 4].map((i) => ({ key: null, value: `v${i}` })))),
        // Inside a compressed batch too.
        await produce(s, 9, topic, 0, batch([{ key: null, value: 'z' }, { key: 'k', value: 'z' }], { compression: Compression.gzip })),
        await produce(s, 9, topic, 0, batch([{ key: 'k9', value: 'after' }], { compression: Compression.lz4 })),
        await fetchAll(s, topic),
      ]);
    });
  }

  for (const c of TOPIC_CODECS) {
    test(`compression.type=${c}: batches from producers are stored in the topic's codec`, async () => {
      const topic = `tp-${c}`;
      await same(
        `compression ${c}`,
        async (s) => [
          await produce(s, 9, topic, 0, batch(keyed())),
          await produce(s, 9, topic, 0, batch(keyed(), { compression: Compression.gzip })),
          await produce(s, 11, topic, 0, batch(keyed(), { compression: Compression.zstd })),
          await produce(s, 9, topic, 0, batch([{ key: null, value: 'no key is fine here' }], { compression: Compression.snappy })),
          await fetchAll(s, topic),
        ],
        RECOMPRESSED,
      );
    });
  }

  test('a batch that no longer fits max.message.bytes once decompressed by the topic is MESSAGE_TOO_LARGE', async () => {
    await same(
      'recompressed too large',
      async (s) => [
        await produce(s, 9, 'tp-small-gzip', 0, batch([{ key: 'k', value: 'x'.repeat(4000) }], { compression: Compression.gzip })),
        await produce(s, 9, 'tp-small-gzip', 0, batch([{ key: 'k', value: 'small' }], { compression: Compression.gzip })),
        await fetchAll(s, 'tp-small-gzip'),
      ],
      RECOMPRESSED,
    );
  });
});
