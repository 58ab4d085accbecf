// Edges of moving the log start, found while writing retention-compaction.test.ts, on a 1-broker Eddy driven by
// kafkajs over real TCP, with the broker's LMDB environment inspected read-only from another process. Each case
// that Eddy got wrong is kept as a regression test with the bug it showed:
//   - ListOffsets by timestamp once the start has moved into or past a batch: Kafka answers the first retained
//     record whose timestamp is at or after the target; Eddy answers a later offset, skipping retained records;
//   - batches below the log start whose deletion was interrupted (a write failure, a crash, a stop) are never
//     deleted after the broker restarts: their space is not reclaimed until the start moves again;
//   - a write failure during that background deletion takes the whole broker down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { waitFor } from '../helpers/wait';
import { FAST_LOG, connectClients, kafkajs, lmdbUsage, sleep, type Clients } from './retention/common';

describe.skipIf(!kafkajs.available)('moving the log start: edges', () => {
  let cluster: RunningCluster;
  let clients: Clients;
  let admin: Clients['admin'], producer: Clients['producer'];

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 1, port: 0, config: FAST_LOG });
    clients = await connectClients(cluster, 'eddy-retention-edges', false);
    ({ admin, producer } = clients);
  });

  afterAll(async () => {
    await clients?.close();
    await cluster?.stop();
  });

  async function createTopic(topic: string) {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
  }

  async function offsets(topic: string): Promise<{ low: number; high: number }> {
    const [p] = await admin.fetchTopicOffsets(topic);
    return { low: Number(p!.low), high: Number(p!.high) };
  }

  /** kafkajs answers a ListOffsets -1 (no record at or after the timestamp) with the high watermark. */
  async function offsetForTime(topic: string, ts: number): Promise<number> {
    const [p] = await admin.fetchTopicOffsetsByTimestamp(topic, ts);
    return Number(p!.offset);
  }

  async function sendBatch(topic: string, n: number, timestamp: number): Promise<number> {
    const [m] = await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: String(timestamp) })) });
    return Number(m!.baseOffset);
  }

  async function ensureRunning(): Promise<void> {
    if (cluster.brokers()[0]!.state !== 'running') await cluster.restartBroker(0);
    await waitFor(async () => (await admin.fetchTopicOffsets('edge-probe').then(() => true, () => false)), { what: 'the broker to serve', timeoutMs: 20_000 });
  }

  it('ListOffsets by timestamp before any start move answers the first matching record (control)', async () => {
    await createTopic('edge-probe');
    const topic = 'edge-bytime-control';
    await createTopic(topic);
    const t = Date.now() - 60_000;
    expect(await sendBatch(topic, 10, t)).toBe(0);
    expect(await sendBatch(topic, 10, t)).toBe(10);
    expect(await sendBatch(topic, 10, t + 1000)).toBe(20);
    expect(await offsetForTime(topic, t - 5000)).toBe(0);
    expect(await offsetForTime(topic, t)).toBe(0);
    expect(await offsetForTime(topic, t + 1)).toBe(20);
  });

  // Fixed bug: after DeleteRecords/retention the time index lost the entry of the batch straddling the new start
  // (and of later batches with the same max timestamp), and only one batch was decoded: Eddy answered 20 where Kafka
  // answers 5 and then 10. The covering entry now moves to the start, and the lookup reads on to a retained match.
  it('ListOffsets by timestamp after the start moved answers the first retained record at or after it', async () => {
    const topic = 'edge-bytime';
    await createTopic(topic);
    const t = Date.now() - 60_000;
    await sendBatch(topic, 10, t); // 0..9
    await sendBatch(topic, 10, t); // 10..19, same max timestamp: no time-index entry of its own
    await sendBatch(topic, 10, t + 1000); // 20..29
    expect(await offsets(topic)).toEqual({ low: 0, high: 30 }); // (kafkajs's deleteTopicRecords needs the topic's metadata loaded)
    // Into the first batch: records 5..9 are retained and have timestamp t.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] });
    await sleep(500); // the background deletion (of nothing here: the first batch straddles the start)
    expect(await offsets(topic)).toEqual({ low: 5, high: 30 });
    expect(await offsetForTime(topic, t)).toBe(5);
    expect(await offsetForTime(topic, t - 5000)).toBe(5);
    // Past the first batch: records 10..19 have timestamp t.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '10' }] });
    await sleep(500);
    expect(await offsetForTime(topic, t)).toBe(10);
  });

  // Fixed bug: nothing restarted an interrupted deletion below the log start when a partition loaded (a kill or a
  // stop mid-deletion left 59,000 of 60,000 batches in LMDB). Partition now resumes it at load.
  it('batches below the log start are deleted after a restart that interrupted their deletion', async () => {
    const topic = 'edge-interrupted';
    await createTopic(topic);
    for (let i = 0; i < 100; i++) await sendBatch(topic, 1, Date.now());
    expect(await offsets(topic)).toEqual({ low: 0, high: 100 });
    const before = await lmdbUsage(cluster, 0);
    // The first deletion slice fails, which stops the background deletion.
    await cluster.failWrites(0, 1);
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '90' }] }).catch(() => undefined);
    await sleep(500);
    if (cluster.brokers()[0]!.state === 'running') await cluster.killBroker(0);
    await cluster.restartBroker(0);
    await ensureRunning();
    expect(await offsets(topic)).toEqual({ low: 90, high: 100 });
    try {
      await waitFor(async () => (await lmdbUsage(cluster, 0)).batches <= before.batches - 90, { what: 'the 90 batches below the start to be deleted', timeoutMs: 5000, intervalMs: 250 });
    } finally {
      const after = await lmdbUsage(cluster, 0);
      console.log(`[retention-edges] stored batches: ${before.batches} before DeleteRecords(90) -> ${after.batches} after the restart (expected ${before.batches - 90})`);
    }
  });

  // Fixed bug: a failed LMDB write in a background deletion slice was an unhandled rejection that ended the broker's
  // worker thread; the rest of the deletion now waits for the next advance or start.
  it('a write failure while deleting below the start leaves the broker running', async () => {
    const topic = 'edge-delete-fails';
    await createTopic(topic);
    for (let i = 0; i < 10; i++) await sendBatch(topic, 10, Date.now());
    await offsets(topic);
    await cluster.failWrites(0, 1);
    try {
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '50' }] }).catch(() => undefined);
      await sleep(1000);
      expect(cluster.brokers()[0]!.state).toBe('running');
      expect(await offsets(topic)).toEqual({ low: 50, high: 100 });
    } finally {
      await ensureRunning();
    }
  });
});
