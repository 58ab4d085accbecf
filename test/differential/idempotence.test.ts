// Differential: the idempotent producer, with hand-built batches on raw Produce and a producer id from
// InitProducerId (v0-v5): sequences in order, a retried batch (the last one and an older one of the last five)
// answered with its original offsets, a gap (OUT_OF_ORDER_SEQUENCE_NUMBER), an overlapping retry, an older epoch
// (INVALID_PRODUCER_EPOCH), a bumped epoch (must start at 0), producer ids the broker has never seen, and what the
// log holds afterwards.
import { afterAll, beforeAll, describe, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { COMMON, decodeRecords, expectSame, printToleratedSummary, startPair, type Allow, type Pair, type System } from './harness.js';
import { T0, batch, createTopic, fetchBody, produce } from './requests.js';

const kafka = kafkaAvailable();

/** Producer ids come from each cluster's own allocator: compared by shape. */
const pidShape = (v: unknown) => (typeof v === 'bigint' && v >= 0n ? 'a producer id' : v);

const ALLOW: Allow[] = [
  ...COMMON,
  {
    path: '**.logAppendTimeMs',
    reason: 'a retried batch reports the cached batch\'s max timestamp (the producer clock): compared by shape',
    normalize: (t: bigint) => (t >= T0 && t < T0 + 1_000_000n ? 'the batch max timestamp' : t),
  },
  { path: '**.records', reason: 'record sets compared as decoded batches', normalize: decodeRecords },
  { path: '**.producerId', reason: 'allocated per cluster: compared by shape', normalize: pidShape },
  { path: '**.records[*].crc', reason: 'covers the producer id, which differs (the CRC itself is verified when decoding)', normalize: () => 'crc' },
];

/** Retriable InitProducerId errors a client waits out (Kafka's first call loads its producer-id block). */
const RETRIABLE = new Set([14, 15, 16]);

async function initProducerId(s: System, version = 4, transactionalId: string | null = null, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await s.request(22, version, { transactionalId, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    if (!RETRIABLE.has(res.errorCode) || Date.now() > deadline) return res as { errorCode: number; producerId: bigint; producerEpoch: number };
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** An idempotent batch of `count` records starting at sequence `seq`. */
function idem(producerId: bigint, epoch: number, seq: number, count: number, tag: string): Buffer {
  return batch(
    Array.from({ length: count }, (_, i) => ({ key: `${tag}-${i}`, value: `${tag}-v${seq + i}` })),
    { producerId, producerEpoch: epoch, baseSequence: seq },
  );
}

describe.skipIf(!kafka.available)('differential: idempotent producer', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1 });
    await pair.both(async (s) => {
      for (const t of ['id-seq', 'id-epoch', 'id-unknown', 'id-dup']) await createTopic(s, t);
      // As a client does: wait out the retriable errors of the first InitProducerId (Kafka: COORDINATOR_LOAD_IN_PROGRESS).
      const first = await initProducerId(s);
      if (first.errorCode !== 0) throw new Error(`${s.name}: InitProducerId error ${first.errorCode}`);
    });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('idempotence.test.ts');
    await pair?.stop();
  });

  async function same(label: string, scenario: (s: System) => Promise<unknown>, allow: Allow[] = ALLOW): Promise<void> {
    const r = await pair.both(scenario);
    expectSame(label, r.eddy, r.kafka, allow, pair);
  }

  test('InitProducerId v0-v5 without a transactional id: a fresh id, epoch 0', async () => {
    await same('init producer id', async (s) => {
      const out: unknown[] = [];
      for (const v of [0, 1, 2, 3, 4, 5]) out.push(await s.request(22, v, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 }));
      return out;
    });
  });

  test('InitProducerId v3+ with an id and epoch: a fresh id again; only one of the two set is INVALID_REQUEST', async () => {
    await same('init producer id with id and epoch', async (s) => {
      const first = await initProducerId(s);
      const body = (producerId: bigint, producerEpoch: number) => ({ transactionalId: null, transactionTimeoutMs: 60_000, producerId, producerEpoch });
      return {
        again: await s.request(22, 4, body(first.producerId, first.producerEpoch)),
        unknownId: await s.request(22, 4, body(123_456n, 5)),
        epochWithoutId: await s.request(22, 4, body(-1n, 3)),
        idWithoutEpoch: await s.request(22, 3, body(first.producerId, -1)),
      };
    });
  });

  test('in-order sequences, a retried last batch, a retried older batch, a gap, an overlapping retry', async () => {
    await same('sequences', async (s) => {
      const { producerId: pid } = await initProducerId(s);
      const out: Record<string, unknown> = {};
      out.first = await produce(s, 9, 'id-seq', 0, idem(pid, 0, 0, 3, 'a'));
      out.second = await produce(s, 9, 'id-seq', 0, idem(pid, 0, 3, 2, 'b'));
      out.retryLast = await produce(s, 9, 'id-seq', 0, idem(pid, 0, 3, 2, 'b'));
      out.retryOlder = await produce(s, 9, 'id-seq', 0, idem(pid, 0, 0, 3, 'a'));
      out.gap = await produce(s, 9, 'id-seq', 0, idem(pid, 0, 9, 1, 'c'));
      out.overlap = await produce(s, 9, 'id-seq', 0, idem(pid, 0, 4, 2, 'd'));
      out.next = await produce(s, 9, 'id-seq', 0, idem(pid, 0, 5, 1, 'e'));
      out.log = await s.request(1, 12, fetchBody(12, [{ topic: 'id-seq', partition: 0, offset: 0n }]));
      return out;
    });
  });

  test('epochs: a bumped epoch starts at sequence 0; an older epoch is INVALID_PRODUCER_EPOCH', async () => {
    await same('epochs', async (s) => {
      const { producerId: pid } = await initProducerId(s);
      const out: Record<string, unknown> = {};
      out.epoch0 = await produce(s, 9, 'id-epoch', 0, idem(pid, 0, 0, 2, 'a'));
      out.bumpNotZero = await produce(s, 9, 'id-epoch', 0, idem(pid, 1, 5, 1, 'b'));
      out.bump = await produce(s, 9, 'id-epoch', 0, idem(pid, 1, 0, 1, 'c'));
      out.older = await produce(s, 9, 'id-epoch', 0, idem(pid, 0, 2, 1, 'd'));
      out.olderRetry = await produce(s, 9, 'id-epoch', 0, idem(pid, 0, 0, 2, 'a'));
      out.continue = await produce(s, 9, 'id-epoch', 0, idem(pid, 1, 1, 1, 'e'));
      out.log = await s.request(1, 12, fetchBody(12, [{ topic: 'id-epoch', partition: 0, offset: 0n }]));
      return out;
    });
  });

  test('producer ids the broker never handed out: any first sequence is accepted', async () => {
    await same('unknown producer ids', async (s) => {
      const out: Record<string, unknown> = {};
      out.atZero = await produce(s, 9, 'id-unknown', 0, idem(777_001n, 0, 0, 1, 'a'));
      out.atFive = await produce(s, 9, 'id-unknown', 0, idem(777_002n, 3, 5, 2, 'b'));
      out.then = await produce(s, 9, 'id-unknown', 0, idem(777_002n, 3, 7, 1, 'c'));
      out.log = await s.request(1, 12, fetchBody(12, [{ topic: 'id-unknown', partition: 0, offset: 0n }]));
      return out;
    });
  });

  test('duplicates across produce versions (v3, v7, v11) and a batch without a sequence from a producer id', async () => {
    await same('duplicates across versions', async (s) => {
      const { producerId: pid } = await initProducerId(s);
      return {
        v3: await produce(s, 3, 'id-dup', 0, idem(pid, 0, 0, 2, 'a')),
        v7: await produce(s, 7, 'id-dup', 0, idem(pid, 0, 0, 2, 'a')),
        v11: await produce(s, 11, 'id-dup', 0, idem(pid, 0, 0, 2, 'a')),
        noSequence: await produce(s, 9, 'id-dup', 0, batch([{ value: 'x' }], { producerId: pid, producerEpoch: 0, baseSequence: -1 })),
      };
    });
  });

  test('a transactional id: FindCoordinator, then InitProducerId (each retried as a client does, up to 6 s)', async () => {
    await same(
      'transactional id',
      async (s) => {
        const deadline = Date.now() + 6000;
        let coordinator: { errorCode: number };
        for (;;) {
          const res = await s.request(10, 4, { keyType: 1, coordinatorKeys: ['diff-txn'] });
          coordinator = res.coordinators[0];
          if (coordinator.errorCode === 0 || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        const init = await initProducerId(s, 4, 'diff-txn', Math.max(0, deadline - Date.now()));
        return { coordinator: coordinator.errorCode, init: init.errorCode, epoch: init.producerEpoch };
      },
      [
        {
          path: '',
          reason: 'KNOWN-GAPS.md "Transactions": no transaction coordinator; Eddy answers COORDINATOR_NOT_AVAILABLE to both',
          eddy: { coordinator: 15, init: 15, epoch: -1 },
          kafka: { coordinator: 0, init: 0, epoch: 0 },
        },
      ],
    );
  });
});
