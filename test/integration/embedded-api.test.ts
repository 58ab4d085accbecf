// `import { startCluster } from 'eddy'` as another project's test suite would use it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { startCluster } from 'eddy';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait.js';
import { encodeRecordBatch } from '../../worker/protocol/records/record-batch.js';

async function brokersOf(bootstrap: string): Promise<{ nodeId: number; port: number }[]> {
  const c = await RawClient.open(Number(bootstrap.split(',')[0]!.split(':')[1]));
  const md = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  c.close();
  return md.brokers;
}

describe('startCluster', () => {
  test('defaults: three brokers on free ports, a temporary data dir removed by stop()', async () => {
    const cluster = await startCluster();
    const servers = cluster.bootstrapServers.split(',');
    expect(servers).toHaveLength(3);
    expect(new Set(servers).size).toBe(3);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(existsSync(cluster.dataDir)).toBe(true);
    const brokers = await brokersOf(cluster.bootstrapServers);
    expect(brokers.map((b) => b.nodeId)).toEqual([0, 1, 2]);
    expect(brokers.map((b) => `127.0.0.1:${b.port}`).join(',')).toBe(cluster.bootstrapServers);
    await cluster.stop();
    expect(existsSync(cluster.dataDir)).toBe(false);
  });

  test('two clusters side by side are independent', async () => {
    const [a, b] = await Promise.all([startCluster({ brokers: 1 }), startCluster({ brokers: 2 })]);
    expect(a.clusterId).not.toBe(b.clusterId);
    expect((await brokersOf(a.bootstrapServers)).length).toBe(1);
    expect((await brokersOf(b.bootstrapServers)).length).toBe(2);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('a given data dir is kept after stop and reused, records included', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'eddy-embedded-'));
    try {
      const first = await startCluster({ brokers: 1, dataDir, config: { 'num.partitions': 2 } });
      const c = await RawClient.open(Number(first.bootstrapServers.split(':')[1]));
      // Auto-created with the configured num.partitions; the first answer is UNKNOWN_TOPIC_OR_PARTITION, as in Kafka 4.4.
      const md1 = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'auto' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      expect(md1.topics[0].errorCode).toBe(3);
      const md2 = await waitFor(async () => {
        const md = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'auto' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
        return md.topics[0].errorCode === 0 ? md : null;
      });
      expect(md2.topics[0].partitions).toHaveLength(2);
      const res = await c.request(0, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: 'auto', partitionData: [{ index: 1, records: encodeRecordBatch({ records: [{ key: null, value: Buffer.from('kept') }] }) }] }],
      });
      expect(res.responses[0].partitionResponses[0].errorCode).toBe(0);
      c.close();
      await first.stop();
      expect(existsSync(dataDir)).toBe(true);

      const second = await startCluster({ brokers: 1, dataDir });
      const c2 = await RawClient.open(Number(second.bootstrapServers.split(':')[1]));
      const offsets = await c2.request(2, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: 'auto', partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1n }] }],
      });
      expect(offsets.topics[0].partitions[0].offset).toBe(1n);
      c2.close();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('auto.create.topics.enable=false is honoured', async () => {
    const cluster = await startCluster({ brokers: 1, config: { 'auto.create.topics.enable': false } });
    const c = await RawClient.open(Number(cluster.bootstrapServers.split(':')[1]));
    const md = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'nope' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    expect(md.topics[0].errorCode).toBe(3);
    c.close();
    await cluster.stop();
  });

  test('invalid options are refused with a clear error', async () => {
    await expect(startCluster({ brokers: 0 })).rejects.toThrow(/between 1 and 9/);
    await expect(startCluster({ brokers: 12 })).rejects.toThrow(/between 1 and 9/);
  });
});
