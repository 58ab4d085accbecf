// The first acks=all produce to a new RF=3 partition does not wait for the followers' long poll. A follower's
// replica fetch to a leader waits up to replica.fetch.wait.max.ms (500 ms) for data of the partitions it names;
// a partition it starts following meanwhile (a new topic, or leadership moving to that leader: a group
// coordinator's first writes after a failover) has the follower ask the leader to answer that fetch at once, so
// the next fetch names the new partition. Without that, each first produce here waited ~490 ms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { RawClient } from '../helpers/raw-client';
import { encodeRecordBatch } from '../../worker/protocol/records/index.js';
import { createTopic, partitionLeaders } from './clients/read-log.js';

const TOPICS = 8;

describe('replication to a new partition', () => {
  let cluster: RunningCluster;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0 });
    // The followers' fetchers are running (long polls in flight) before the new topics exist.
    await createTopic(cluster.bootstrapServers, 'np-warm', 3, 3);
    await new Promise((r) => setTimeout(r, 1000));
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it(`first acks=all produce to each of ${TOPICS} new RF=3 topics is acknowledged without waiting for a long poll`, async () => {
    const took: number[] = [];
    for (let i = 0; i < TOPICS; i++) {
      const topic = `np-fresh-${i}`;
      await createTopic(cluster.bootstrapServers, topic, 1, 3);
      const leader = (await partitionLeaders(cluster.bootstrapServers, topic))[0]!;
      const c = await RawClient.open(leader.port, leader.host);
      try {
        const records = encodeRecordBatch({ records: [{ key: null, value: Buffer.from(`first ${i}`) }] });
        const t0 = performance.now();
        const res = await c.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
        took.push(performance.now() - t0);
        expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
      } finally {
        c.close();
      }
    }
    console.log(`first acks=all produce per new topic, ms: ${took.map((t) => t.toFixed(1)).join(' ')}`);
    // Without the wake: ~8 × 490 ms. With it: a few ms each, with room for a busy machine.
    expect(took.reduce((a, b) => a + b, 0)).toBeLessThan(800);
  });
});
