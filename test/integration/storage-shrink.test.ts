// Disk space back at the next start: a topic of 30 MB is deleted, the cluster stops and starts again on the same
// data directory, and the broker's LMDB file is a compacted copy - what is still stored reads back the same.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { waitFor } from '../helpers/wait';
import { FAST_LOG, kafkajs, kjs, lmdbUsage, MiB } from './retention/common';

const dataDir = mkdtempSync(join(tmpdir(), 'eddy-shrink-'));
let cluster: RunningCluster | undefined;

afterAll(async () => {
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!kafkajs.available)('the data file shrinks at start when most of it is free', () => {
  it('a deleted 30 MB topic: data.mdb shrinks at the next start, the other topic reads back the same', async () => {
    const config = { ...FAST_LOG, 'eddy.log.shrink.min.bytes': 16 * MiB };
    cluster = await startCluster({ brokers: 1, dataDir, config });
    const client = new kjs.Kafka({ clientId: 'shrink', brokers: cluster.bootstrapServers.split(','), logLevel: kjs.logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'big', numPartitions: 2 }, { topic: 'keep', numPartitions: 1 }], waitForLeaders: true });
    const producer = client.producer();
    await producer.connect();
    const value = Buffer.alloc(10_000, 7);
    for (let i = 0; i < 300; i++) await producer.send({ topic: 'big', acks: -1, messages: Array.from({ length: 10 }, (_, j) => ({ key: `k${j}`, value })) });
    const kept = Array.from({ length: 20 }, (_, i) => `kept-${i}`);
    await producer.send({ topic: 'keep', acks: -1, messages: kept.map((v) => ({ value: v })) });
    await producer.disconnect();

    const full = await lmdbUsage(cluster, 0);
    expect(full.fileBytes).toBeGreaterThan(30 * MiB);
    await admin.deleteTopics({ topics: ['big'] });
    await admin.disconnect();
    const emptied = await waitFor(async () => {
      const u = await lmdbUsage(cluster!, 0);
      return u.usedBytes < 2 * MiB ? u : null;
    }, { what: 'the deleted topic\'s pages to be freed', timeoutMs: 30_000, intervalMs: 200 });
    // Freed inside the file, not given back: LMDB keeps its size.
    expect(emptied.fileBytes).toBeGreaterThanOrEqual(full.fileBytes);
    await cluster.stop();

    cluster = await startCluster({ brokers: 1, dataDir, config });
    const fileAfter = statSync(join(dataDir, 'broker-0', 'data.mdb')).size;
    const event = cluster.events().find((e) => e.type === 'storage-shrunk');
    console.log(`[storage-shrink] data.mdb ${(full.fileBytes / MiB).toFixed(1)} MB full, ${(emptied.usedBytes / MiB).toFixed(2)} MB in use after the delete, ${(fileAfter / MiB).toFixed(1)} MB after the restart; event: ${event?.detail}`);
    expect(fileAfter).toBeLessThan(4 * MiB);
    expect(event).toMatchObject({ brokerId: 0 });
    expect(event!.detail).toMatch(/data file .* -> .* MB/);

    const again = new kjs.Kafka({ clientId: 'shrink-2', brokers: cluster.bootstrapServers.split(','), logLevel: kjs.logLevel.NOTHING });
    const consumer = again.consumer({ groupId: 'shrink-reader', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'keep', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor(async () => (seen.length >= kept.length ? true : null), { what: 'the kept topic read back', timeoutMs: 30_000 });
    await consumer.disconnect();
    expect(seen).toEqual(kept);
    // And it takes new records into the smaller file.
    const p2 = again.producer();
    await p2.connect();
    const [ack] = await p2.send({ topic: 'keep', acks: -1, messages: [{ value: 'after' }] });
    expect(ack!.baseOffset).toBe('20');
    await p2.disconnect();
  });
});
