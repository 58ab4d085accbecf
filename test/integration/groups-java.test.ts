// Apache Kafka 4.4's Java consumer (kafka-clients 4.4.0) in consumer groups against a 3-broker Eddy over real TCP,
// each member a JVM of its own running test/integration/groups/GroupMember.java (compiled here with javac against
// the cached jars of test/reference):
//   - classic protocol with partition.assignment.strategy=CooperativeStickyAssignor (incremental rebalances);
//   - group.protocol=consumer (KIP-848: ConsumerGroupHeartbeat, server-side "uniform" assignment, OffsetCommit v9
//     with member epochs), checked through ConsumerGroupDescribe;
//   - the console consumer with --consumer-property group.protocol=consumer, reading a topic through a group.
// Each group scenario: 2 members, a third joins while records arrive, the first is stopped cleanly (SIGTERM:
// close() commits and leaves), more records; no record lost, final commits at the end offsets.
// Skipped with a printed reason without Java 17+/the jars (fails under CI=true).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { consoleConsume } from '../helpers/java-tools';
import { fetchKafkaJars, kafkaAvailable } from '../helpers/reference-kafka';
import {
  committed,
  createTopic,
  describeConsumerGroup,
  describeGroup,
  endOffsets,
  FAST_GROUPS,
  joinLeaveScenario,
  produce,
  roundRobin,
  waitForStableConsumerGroup,
  waitForStableGroup,
} from './groups/common';
import { startProc, type Proc } from './groups/proc';

const kafka = kafkaAvailable();
const SOURCE = fileURLToPath(new URL('./groups/GroupMember.java', import.meta.url));
const LOG4J = fileURLToPath(new URL('../reference/log4j2-tools.properties', import.meta.url));
const PARTITIONS = 6;
/** The JVM exits 143 after SIGTERM even when its shutdown hook closed the consumer cleanly; the member says so. */
const javaClosed = (code: number, lines: string[]) => (code === 0 || code === 143) && lines.includes('{"closed": true}');

describe.skipIf(!kafka.available)('Java consumer (kafka-clients 4.4.0) groups against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let bootstrap: string;
  let classes: string;
  let libs: string;
  const procs: Proc[] = [];

  beforeAll(async () => {
    [cluster, libs] = await Promise.all([startCluster({ brokers: 3, port: 0, config: FAST_GROUPS }), fetchKafkaJars()]);
    bootstrap = cluster.bootstrapServers;
    classes = mkdtempSync(join(tmpdir(), 'eddy-java-groups-'));
    execFileSync('javac', ['-cp', `${libs}/*`, '-d', classes, SOURCE], { stdio: 'pipe', timeout: 120_000 });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await cluster?.stop();
    if (classes) rmSync(classes, { recursive: true, force: true });
  });

  function member(group: string, topic: string, clientId: string, protocol: 'classic' | 'consumer', extra: string[] = []): Proc {
    const p = startProc('java', [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Dlog4j2.configurationFile=${LOG4J}`,
      '-cp',
      `${classes}:${libs}/*`,
      'GroupMember',
      bootstrap,
      group,
      topic,
      clientId,
      protocol,
      ...extra,
    ]);
    procs.push(p);
    return p;
  }

  it('classic protocol, CooperativeStickyAssignor: join and leave mid-stream, sticky incremental rebalances', async () => {
    const topic = 'java-coop';
    const group = 'java-coop-group';
    const extra = ['partition.assignment.strategy=org.apache.kafka.clients.consumer.CooperativeStickyAssignor'];
    const { two, three } = await joinLeaveScenario({
      bootstrap,
      topic,
      group,
      partitions: PARTITIONS,
      names: ['java-coop-a', 'java-coop-b', 'java-coop-c'],
      start: (id) => member(group, topic, id, 'classic', extra),
      stable: (n) => waitForStableGroup(bootstrap, group, topic, n, PARTITIONS, 60_000),
      log: (m) => console.log(m),
      cleanExit: javaClosed,
    });
    expect(two.protocolType).toBe('consumer');
    expect(two.protocol).toBe('cooperative-sticky');
    // Sticky: the first two members kept partitions they had when the third joined.
    for (const id of ['java-coop-a', 'java-coop-b']) {
      const before = two.members.find((m) => m.clientId === id)!.assignment[topic]!;
      const now = three.members.find((m) => m.clientId === id)!.assignment[topic]!;
      expect(now.every((p) => before.includes(p)), `${id}: ${before} -> ${now}`).toBe(true);
    }
    expect((await describeGroup(bootstrap, group)).state).toBe('Empty');
  }, 180_000);

  it('group.protocol=consumer (KIP-848): join and leave mid-stream, server-side uniform assignment, epochs converge', async () => {
    const topic = 'java-848';
    const group = 'java-848-group';
    const { three } = await joinLeaveScenario({
      bootstrap,
      topic,
      group,
      partitions: PARTITIONS,
      names: ['java-848-a', 'java-848-b', 'java-848-c'],
      start: (id) => member(group, topic, id, 'consumer'),
      stable: (n) => waitForStableConsumerGroup(bootstrap, group, topic, n, PARTITIONS, 60_000),
      log: (m) => console.log(m),
      cleanExit: javaClosed,
    });
    expect(three.assignor).toBe('uniform');
    for (const m of three.members) {
      expect(m.memberEpoch).toBe(three.assignmentEpoch);
      expect(m.assignment).toEqual(m.target);
    }
    const end = await describeConsumerGroup(bootstrap, group);
    expect(end.state).toBe('Empty');
  }, 180_000);

  it('kafka-console-consumer --group with group.protocol=consumer reads everything and commits', async () => {
    const topic = 'java-console-848';
    const group = 'java-console-848-group';
    await createTopic(bootstrap, topic, 3);
    await produce(bootstrap, topic, roundRobin(topic, 3, 300));
    const r = await consoleConsume(bootstrap, topic, { group, fromBeginning: true, maxMessages: 300, printPartition: true, printOffset: true, consumerProps: { 'group.protocol': 'consumer' }, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.records).toHaveLength(300);
    expect(new Set(r.records.map((x) => `${x.partition}/${x.offset}`)).size).toBe(300);
    // The console consumer commits on close (auto commit).
    expect(await committed(bootstrap, group, topic, 3)).toEqual(await endOffsets(bootstrap, topic));
  }, 120_000);
});
