// Differential: ListOffsets (v1, v4, v7, v8, v10) - earliest, latest, by timestamp (before, inside, between and
// after the records, with timestamps out of order within a batch), max timestamp, earliest-local and latest-tiered,
// invalid special values, empty partitions, unknown topics and partitions, leader epochs, read_committed.
import { afterAll, beforeAll, describe, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { Compression } from '../../worker/protocol/records/compression.js';
import { COMMON, expectSame, printToleratedSummary, startPair, type Allow, type Pair, type System } from './harness.js';
import { T0, batch, createTopic, listOffsetsBody, produce } from './requests.js';

const kafka = kafkaAvailable();

const VERSIONS = [1, 4, 7, 8, 10] as const;
const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;

/** The special timestamps each version may send (MAX_TIMESTAMP from v7, EARLIEST_LOCAL from v8, LATEST_TIERED from v9). */
function specials(v: number): bigint[] {
  return [EARLIEST, LATEST, ...(v >= 7 ? [MAX_TIMESTAMP] : []), ...(v >= 8 ? [EARLIEST_LOCAL] : []), ...(v >= 9 ? [LATEST_TIERED] : [])];
}

/** By-timestamp lookups: before everything, an exact hit, between records, inside an out-of-order batch, after the end. */
const BY_TIME = [T0 - 1000n, T0, T0 + 1n, T0 + 4n, T0 + 6n, T0 + 8n, T0 + 10n, T0 + 11n, T0 + 100_000n];

const ALLOW: Allow[] = [...COMMON, { path: 'topics[*].partitions', reason: 'partition order is not part of the contract', normalize: (ps: { partitionIndex: number }[]) => [...ps].sort((a, b) => a.partitionIndex - b.partitionIndex) }];

async function fill(s: System, topic: string, codec: number): Promise<void> {
  await produce(s, 9, topic, 0, batch([{ key: 'a', value: '0', timestamp: T0 }, { key: 'b', value: '1', timestamp: T0 + 1n }], { compression: codec }));
  // Out of order inside one batch: the max timestamp (T0+10) is at offset 4, not at the end of the log.
  await produce(s, 9, topic, 0, batch([{ key: 'c', value: '2', timestamp: T0 + 5n }, { key: 'd', value: '3', timestamp: T0 + 3n }, { key: 'e', value: '4', timestamp: T0 + 10n }], { compression: codec }));
  await produce(s, 9, topic, 0, batch([{ key: 'f', value: '5', timestamp: T0 + 7n }], { compression: codec }));
}

describe.skipIf(!kafka.available)('differential: ListOffsets', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1 });
    await pair.both(async (s) => {
      await createTopic(s, 'lo-none');
      await createTopic(s, 'lo-zstd');
      await createTopic(s, 'lo-empty', { partitions: 2 });
      await createTopic(s, 'lo-append', { configs: { 'message.timestamp.type': 'LogAppendTime' } });
      await fill(s, 'lo-none', Compression.none);
      await fill(s, 'lo-zstd', Compression.zstd);
    });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('list-offsets.test.ts');
    await pair?.stop();
  });

  async function same(label: string, scenario: (s: System) => Promise<unknown>, allow: Allow[] = ALLOW): Promise<void> {
    const r = await pair.both(scenario);
    expectSame(label, r.eddy, r.kafka, allow, pair);
  }

  for (const v of VERSIONS) {
    for (const topic of ['lo-none', 'lo-zstd']) {
      test(`v${v} ${topic}: earliest, latest, max timestamp, by timestamp`, async () => {
        await same(`list offsets v${v} ${topic}`, async (s) => {
          const out: Record<string, unknown> = {};
          for (const ts of [...specials(v), ...BY_TIME]) out[String(ts)] = await s.request(2, v, listOffsetsBody(topic, [{ partition: 0, timestamp: ts }]));
          return out;
        });
      });
    }

    test(`v${v} an empty partition, an unknown partition, an unknown topic`, async () => {
      await same(`empty and unknown v${v}`, async (s) => ({
        empty: await s.request(2, v, listOffsetsBody('lo-empty', [...specials(v), T0].map((timestamp) => ({ partition: 1, timestamp })).slice(0, 1))),
        emptyAll: await Promise.all([...specials(v), T0].map((timestamp) => s.request(2, v, listOffsetsBody('lo-empty', [{ partition: 0, timestamp }])))),
        unknownPartition: await s.request(2, v, listOffsetsBody('lo-empty', [{ partition: 5, timestamp: LATEST }])),
        unknownTopic: await s.request(2, v, listOffsetsBody('lo-missing', [{ partition: 0, timestamp: LATEST }])),
      }));
    });
  }

  test('several partitions in one request', async () => {
    await same('two partitions', (s) => s.request(2, 7, listOffsetsBody('lo-empty', [{ partition: 1, timestamp: LATEST }, { partition: 0, timestamp: EARLIEST }])));
  });

  test('invalid special timestamps (-7, and -3 below v7)', async () => {
    await same('invalid timestamps', async (s) => ({
      minus7: await s.request(2, 10, listOffsetsBody('lo-none', [{ partition: 0, timestamp: -7n }])),
      minus6: await s.request(2, 10, listOffsetsBody('lo-none', [{ partition: 0, timestamp: -6n }])),
      tieredOnV8: await s.request(2, 8, listOffsetsBody('lo-none', [{ partition: 0, timestamp: LATEST_TIERED }])),
      maxTsOnV4: await s.request(2, 4, listOffsetsBody('lo-none', [{ partition: 0, timestamp: MAX_TIMESTAMP }])),
      localOnV7: await s.request(2, 7, listOffsetsBody('lo-none', [{ partition: 0, timestamp: EARLIEST_LOCAL }])),
    }));
  });

  test('leader epochs: the current epoch answers, a newer one is UNKNOWN_LEADER_EPOCH', async () => {
    await same('leader epochs', async (s) => ({
      current: await s.request(2, 7, listOffsetsBody('lo-none', [{ partition: 0, timestamp: LATEST, currentLeaderEpoch: 0 }])),
      newer: await s.request(2, 7, listOffsetsBody('lo-none', [{ partition: 0, timestamp: LATEST, currentLeaderEpoch: 3 }])),
    }));
  });

  test('read_committed without transactions: latest is the high watermark', async () => {
    await same('read committed', (s) => s.request(2, 7, listOffsetsBody('lo-none', [{ partition: 0, timestamp: LATEST }], 1)));
  });

  test('LogAppendTime topics: by timestamp and max timestamp use the append time', async () => {
    await same(
      'log append time',
      async (s) => {
        const before = BigInt(Date.now()) - 1n;
        await produce(s, 9, 'lo-append', 0, batch([{ value: 'x', timestamp: T0 }, { value: 'y', timestamp: T0 + 5n }]));
        return {
          old: await s.request(2, 7, listOffsetsBody('lo-append', [{ partition: 0, timestamp: T0 }])),
          recent: await s.request(2, 7, listOffsetsBody('lo-append', [{ partition: 0, timestamp: before }])),
          max: await s.request(2, 7, listOffsetsBody('lo-append', [{ partition: 0, timestamp: MAX_TIMESTAMP }])),
        };
      },
      [...ALLOW, { path: '**.timestamp', reason: 'the broker clock: compared as "append time"', normalize: (t: bigint) => (t > T0 + 1_000_000n ? 'append time' : t) }],
    );
  });
});
