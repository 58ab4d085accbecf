// Proves the reference-Kafka harness: a real Apache Kafka (1 node, then 1 controller + 3 brokers) driven by
// Kafka's own Java tools. Skipped with a printed reason without Java 17+/Maven; fails instead under CI=true.
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertOk, consoleConsume, consoleProduce, kafkaTopics, runKafkaTool } from '../helpers/java-tools';
import { kafkaAvailable, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka';

const kafka = kafkaAvailable();

/** Running and not a zombie. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/\) Z /.test(stat);
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const lines = Array.from({ length: 10 }, (_, i) => `key-${i}:value-${i}`);

for (const nodes of [1, 3] as const) {
  describe.skipIf(!kafka.available)(`reference Kafka, ${nodes} node(s), with the Java tools`, () => {
    let ref: ReferenceKafka | undefined;
    const topic = `harness-${nodes}`;

    beforeAll(async () => {
      ref = await startReferenceKafka({ nodes });
    }, 240_000);

    afterAll(async () => {
      await ref?.stop();
    });

    it('starts every broker on its own port', async () => {
      expect(ref!.ports).toHaveLength(nodes);
      expect(ref!.bootstrapServers).toBe(ref!.ports.map((p) => `127.0.0.1:${p}`).join(','));
      for (const p of ref!.ports) expect(await portAccepts(p)).toBe(true);
      expect(ref!.pids.size).toBe(nodes === 1 ? 1 : 4);
    });

    it('creates, lists and describes a topic with 3 partitions', async () => {
      const rf = String(nodes);
      assertOk(await kafkaTopics(ref!.bootstrapServers, ['--create', '--topic', topic, '--partitions', '3', '--replication-factor', rf]));

      const list = assertOk(await kafkaTopics(ref!.bootstrapServers, ['--list']));
      expect(list.stdout.split('\n')).toContain(topic);

      const desc = assertOk(await kafkaTopics(ref!.bootstrapServers, ['--describe', '--topic', topic]));
      expect(desc.stdout).toContain(`Topic: ${topic}\t`);
      expect(desc.stdout).toContain('PartitionCount: 3');
      expect(desc.stdout).toContain(`ReplicationFactor: ${rf}`);
      const partitionLines = desc.stdout.split('\n').filter((l) => /^\s+Topic: .*Partition: \d/.test(l));
      expect(partitionLines.map((l) => Number(/Partition: (\d+)/.exec(l)![1]))).toEqual([0, 1, 2]);
      for (const l of partitionLines) {
        const replicas = /Replicas: ([\d,]+)/.exec(l)![1]!.split(',');
        expect(replicas).toHaveLength(nodes);
        expect(/Leader: (\d+)/.exec(l)![1]).not.toBe('-1');
      }
    });

    it('produces 10 keyed lines with the console producer and reads them back with the console consumer', async () => {
      assertOk(await consoleProduce(ref!.bootstrapServers, topic, lines, { parseKey: true, acks: 'all' }), 'console producer');

      const offsets = assertOk(await runKafkaTool('kafka-get-offsets', ['--bootstrap-server', ref!.bootstrapServers, '--topic', topic]));
      const ends = offsets.stdout.trim().split('\n').map((l) => Number(l.split(':')[2]));
      expect(ends).toHaveLength(3);
      expect(ends.reduce((a, b) => a + b, 0)).toBe(10);

      const got = await consoleConsume(ref!.bootstrapServers, topic, {
        fromBeginning: true,
        maxMessages: 10,
        printKey: true,
        printPartition: true,
        printOffset: true,
      });
      assertOk(got, 'console consumer');
      expect(got.processed).toBe(10);
      expect(got.lines).toHaveLength(10);
      // Keys spread over 3 partitions, so the overall order is per partition: compare as sets.
      expect(got.records.map((r) => `${r.key}:${r.value}`).sort()).toEqual([...lines].sort());
      // Within a partition, offsets run 0, 1, 2, ... in produce order.
      for (const p of [0, 1, 2]) {
        const inP = got.records.filter((r) => r.partition === p);
        expect(inP.map((r) => r.offset)).toEqual(inP.map((_, i) => i));
        const produced = lines.filter((l) => inP.some((r) => `${r.key}:${r.value}` === l));
        expect(inP.map((r) => `${r.key}:${r.value}`)).toEqual(produced);
      }
    });

    it('stop() ends every JVM and frees the ports', async () => {
      const pids = [...ref!.pids.values()];
      for (const pid of pids) expect(processAlive(pid)).toBe(true);
      await ref!.stop();
      for (const pid of pids) expect(processAlive(pid)).toBe(false);
      for (const p of ref!.ports) expect(await portAccepts(p)).toBe(false);
      expect(existsSync(ref!.dir)).toBe(false);
    }, 120_000);
  });
}
