// Differential: Kafka's own admin tools against Eddy and the reference Kafka 4.4, their outputs compared line by line
// after normalizing what differs between any two clusters (node ids, ports, log dir paths, log timestamps):
// kafka-configs (--describe [--all] for topics, brokers and the broker default, --alter --add-config/--delete-config,
// the errors), kafka-topics --alter --partitions (with --replica-assignment), kafka-delete-records, kafka-log-dirs.
// The protocol underneath is compared field by field in configs-admin.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { runKafkaTool, type KafkaToolName } from '../helpers/java-tools.js';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { waitFor } from '../helpers/wait.js';
import { BROKER_CONFIG_DEFS, KAFKA_BROKER_CONFIG_NAMES } from '../../worker/rpc/broker-configs.js';
import { expectSame, printToleratedSummary, startPair, type Allow, type Pair, type System } from './harness.js';
import { batch, createTopic, produce } from './requests.js';

const kafka = kafkaAvailable();

/** Eddy started with the static settings the reference broker's server.properties has (test/reference/kafka.sh). */
const EDDY_CONFIG = { 'offsets.topic.num.partitions': 10, 'offsets.topic.replication.factor': 1, 'group.initial.rebalance.delay.ms': 0 };
const EDDY_BROKER_CONFIGS = new Set(BROKER_CONFIG_DEFS.map((d) => d.name));

interface Output {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** A tool's output with each system's identities replaced by positions and paths and times by placeholders. */
function normalize(s: System, text: string): string[] {
  const id = String(s.nodeIds[0]);
  return text
    .replaceAll(s.bootstrapServers, '<bootstrap>')
    .replace(/127\.0\.0\.1:(\d+)/g, (all, port: string) => (s.ports.includes(Number(port)) ? '127.0.0.1:port#0' : all))
    .replace(/\[\d\d:\d\d:\d\d\.\d+\]/g, '[time]')
    .replace(/"\/[^"]*?(?:broker-\d+|node-\d+\/data)"/g, '"<log dir>"')
    .replace(/(\bbrokers?|\bLeader:|\bReplicas:|\bIsr:|--entity-name|--broker-list|"broker":) ?(\d+)\b/g, (all, word: string, n: string) => (n !== id ? all : word.startsWith('"') ? `${word}"node#0"` : `${word} node#0`))
    // kafka-topics prints a topic's configs in the order of the DescribeConfigs answer (Kafka's is a hash order).
    .replace(/Configs: (.*)$/gm, (_all, list: string) => `Configs: ${list.split(/,(?=[a-z0-9.]+=)/).sort().join(',')}`)
    .replace(new RegExp(`(node\\.id|broker\\.id)=${id}\\b`, 'g'), '$1=node#0')
    .replace(/TopicId: \S+/g, 'TopicId: <id>')
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s+at /.test(l) && !/^\s*\.\.\. \d+ more$/.test(l));
}

const ALLOW: Allow[] = [];

describe.skipIf(!kafka.available)('differential: kafka-configs, kafka-topics --alter, kafka-delete-records, kafka-log-dirs', () => {
  let pair: Pair;
  let dir: string;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1, eddyConfig: EDDY_CONFIG });
    dir = mkdtempSync(join(tmpdir(), 'eddy-configs-tools-'));
    await pair.both(async (s) => {
      await createTopic(s, 'ct-topic', { partitions: 2 });
      await createTopic(s, 'ct-compact', { configs: { 'cleanup.policy': 'compact' } });
    });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('configs-tools.test.ts');
    await pair?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function run(tool: KafkaToolName, args: (s: System) => string[], post: (lines: string[]) => string[] = (l) => l): Promise<{ eddy: Output; kafka: Output }> {
    return pair.both(async (s) => {
      const r = await runKafkaTool(tool, ['--bootstrap-server', s.bootstrapServers, ...args(s)], { timeoutMs: 90_000 });
      return { code: r.code, stdout: post(normalize(s, r.stdout)), stderr: post(normalize(s, r.stderr)) };
    });
  }

  async function same(label: string, tool: KafkaToolName, args: (s: System) => string[], post?: (lines: string[]) => string[], allow: Allow[] = ALLOW): Promise<void> {
    const r = await run(tool, args, post);
    expectSame(`${tool} ${label}`, r.eddy, r.kafka, allow, pair);
  }

  const configs = (label: string, args: (s: System) => string[], post?: (lines: string[]) => string[], allow?: Allow[]) => same(label, 'kafka-configs', args, post, allow);
  const node = (s: System) => String(s.nodeIds[0]);

  /** --describe --all for a broker: only the configs Eddy has (Kafka lists ~290 more: a known gap). */
  const eddysBrokerLines = (lines: string[]) =>
    lines.filter((l) => {
      const m = /^\s+([a-z0-9._-]+)=/.exec(l);
      if (!m) return true;
      return m[1] !== 'auto.create.topics.enable' && (EDDY_BROKER_CONFIGS.has(m[1]!) || !KAFKA_BROKER_CONFIG_NAMES.has(m[1]!));
    });
  const rolesGap: Allow = {
    path: 'stdout[*]',
    reason: 'KNOWN-GAPS.md "Broker configs": the reference runs combined broker+controller nodes, Eddy brokers are not controllers',
    eddy: '  process.roles=broker sensitive=false synonyms={STATIC_BROKER_CONFIG:process.roles=broker}',
    kafka: '  process.roles=broker,controller sensitive=false synonyms={STATIC_BROKER_CONFIG:process.roles=broker,controller}',
  };

  test('kafka-configs for a topic: --describe (--all), --alter --add-config / --delete-config, and the errors', async () => {
    const topic = (...args: string[]) => ['--entity-type', 'topics', '--entity-name', 'ct-topic', ...args];
    await configs('describe, no overrides', () => topic('--describe'));
    await configs('describe --all, defaults', () => topic('--describe', '--all'));
    await configs('add configs', () => topic('--alter', '--add-config', 'retention.ms=3600000,cleanup.policy=[compact,delete],max.message.bytes=2000,segment.bytes= +2000000'));
    await configs('describe', () => topic('--describe'));
    await configs('describe --all', () => topic('--describe', '--all'));
    await configs('delete a config', () => topic('--alter', '--delete-config', 'max.message.bytes'));
    await configs('describe after delete', () => topic('--describe'));
    // Errors: the tool prints the broker's error; nothing changes.
    await configs('unknown config', () => topic('--alter', '--add-config', 'no.such=1'));
    await configs('wrong type', () => topic('--alter', '--add-config', 'retention.ms=abc'));
    await configs('out of range', () => topic('--alter', '--add-config', 'segment.bytes=10'));
    await configs('bad list item', () => topic('--alter', '--add-config', 'cleanup.policy=[compact,brotli]'));
    await configs('min over max compaction lag', () => topic('--alter', '--add-config', 'min.compaction.lag.ms=100,max.compaction.lag.ms=50'));
    await configs('unknown topic', () => ['--entity-type', 'topics', '--entity-name', 'ct-missing', '--alter', '--add-config', 'retention.ms=5']);
    await configs('describe after the errors', () => topic('--describe'));
  });

  test('kafka-configs for brokers: the cluster default and a broker, dynamic configs, --describe --all, the errors', async () => {
    const dflt = (...args: string[]) => ['--entity-type', 'brokers', '--entity-default', ...args];
    const broker = (s: System, ...args: string[]) => ['--entity-type', 'brokers', '--entity-name', node(s), ...args];
    // Kafka applies dynamic broker configs asynchronously: wait until both describe a change.
    const settled = (args: (s: System) => string[], text: string, present = true) =>
      pair.both((s) =>
        waitFor(
          async () => {
            const r = await runKafkaTool('kafka-configs', ['--bootstrap-server', s.bootstrapServers, ...args(s)]);
            return r.stdout.includes(text) === present || null;
          },
          { timeoutMs: 30_000, what: `${s.name}: ${present ? '' : 'no '}${text}` },
        ),
      );
    await configs('describe the default', () => dflt('--describe'));
    await configs('describe a broker', (s) => broker(s, '--describe'));
    await configs('describe --all for a broker', (s) => broker(s, '--describe', '--all'), eddysBrokerLines, [rolesGap]);
    try {
      await configs('set cluster defaults', () => dflt('--alter', '--add-config', 'log.retention.ms=1234567,log.cleanup.policy=[delete,compact],log.flush.interval.ms=5000'));
      await settled(() => dflt('--describe'), 'log.flush.interval.ms=5000');
      await configs('describe the default after', () => dflt('--describe'));
      await configs('a topic after', () => ['--entity-type', 'topics', '--entity-name', 'ct-compact', '--describe', '--all']);
      await configs('set a broker config', (s) => broker(s, '--alter', '--add-config', 'log.segment.bytes=2000000'));
      await settled((s) => broker(s, '--describe'), 'log.segment.bytes=2000000');
      await configs('describe the broker after', (s) => broker(s, '--describe'));
      await configs('describe all brokers and the default', () => ['--entity-type', 'brokers', '--describe']);
      await configs('describe --all for a broker after', (s) => broker(s, '--describe', '--all'), eddysBrokerLines, [rolesGap]);
      await configs('read-only config', () => dflt('--alter', '--add-config', 'num.partitions=3'));
      await configs('bad value', () => dflt('--alter', '--add-config', 'log.retention.ms=x'));
      await configs('per-broker min.insync.replicas', (s) => broker(s, '--alter', '--add-config', 'min.insync.replicas=2'));
      await configs('removing the cluster min.insync.replicas', () => dflt('--alter', '--delete-config', 'min.insync.replicas'));
      await configs('describe the default after the errors', () => dflt('--describe'));
    } finally {
      await configs('delete cluster defaults', () => dflt('--alter', '--delete-config', 'log.retention.ms,log.cleanup.policy,log.flush.interval.ms'));
      await configs('delete the broker config', (s) => broker(s, '--alter', '--delete-config', 'log.segment.bytes'));
    }
    await settled(() => dflt('--describe'), 'log.retention.ms', false);
    await settled((s) => broker(s, '--describe'), 'log.segment.bytes', false);
    await configs('describe the default at the end', () => dflt('--describe'));
  });

  test('kafka-topics --alter --partitions: increase, decrease, the same count, an unknown topic, a replica assignment', async () => {
    const alter = (...args: string[]) => ['--alter', '--topic', 'ct-topic', ...args];
    const describeTopic = () => ['--describe', '--topic', 'ct-topic'];
    // KNOWN-GAPS.md "APIs Eddy does not serve": no DescribeTopicPartitions, so kafka-topics prints "Elr: N/A".
    const noElr = (lines: string[]) => lines.map((l) => l.replace(/\tElr: (N\/A)?\tLastKnownElr: (N\/A)?/, ''));
    await same('increase', 'kafka-topics', () => alter('--partitions', '4'));
    await same('describe after', 'kafka-topics', describeTopic, noElr);
    await same('decrease', 'kafka-topics', () => alter('--partitions', '2'));
    await same('the same count', 'kafka-topics', () => alter('--partitions', '4'));
    await same('an unknown topic', 'kafka-topics', () => ['--alter', '--topic', 'ct-missing', '--partitions', '4']);
    await same('too few assignments', 'kafka-topics', (s) => alter('--partitions', '6', '--replica-assignment', `${node(s)},${node(s)}`));
    await same('an unknown broker in the assignment', 'kafka-topics', (s) => alter('--partitions', '5', '--replica-assignment', [node(s), node(s), node(s), node(s), '77'].join(',')));
    await same('with an assignment', 'kafka-topics', (s) => alter('--partitions', '6', '--replica-assignment', Array(6).fill(node(s)).join(',')));
    await waitForPartitions('ct-topic', 6);
    await same('describe at the end', 'kafka-topics', describeTopic, noElr);
  });

  async function waitForPartitions(topic: string, n: number): Promise<void> {
    await pair.both((s) => s.waitForTopic(topic, n));
  }

  test('kafka-log-dirs --describe, then kafka-delete-records and the offsets it leaves', async () => {
    // Current timestamps: with ct-topic's retention.ms, old ones would let Kafka's retention check delete them.
    const now = BigInt(Date.now());
    await pair.both(async (s) => {
      for (let i = 0; i < 3; i++) await produce(s, 9, 'ct-topic', 0, batch([{ key: 'k', value: `v${i}`, timestamp: now }, { key: 'k', value: `w${i}`, timestamp: now }]));
      await produce(s, 9, 'ct-compact', 0, batch([{ key: 'k', value: 'a', timestamp: now }]));
    });
    // The JSON document on one line: compared as data, partitions sorted.
    const logDirs = (lines: string[]) =>
      lines.map((l) => {
        if (!l.startsWith('{')) return l;
        const doc = JSON.parse(l) as { brokers: { logDirs: { partitions: { partition: string }[] }[] }[] };
        for (const b of doc.brokers) for (const d of b.logDirs) d.partitions.sort((x, y) => x.partition.localeCompare(y.partition));
        return JSON.stringify(doc);
      });
    await same('describe a topic', 'kafka-log-dirs', (s) => ['--describe', '--broker-list', node(s), '--topic-list', 'ct-topic,ct-compact'], logDirs);
    await same('describe everything', 'kafka-log-dirs', () => ['--describe'], logDirs);

    const offsets = join(dir, 'offsets.json');
    writeFileSync(
      offsets,
      JSON.stringify({
        version: 1,
        partitions: [
          { topic: 'ct-topic', partition: 0, offset: 2 },
          { topic: 'ct-topic', partition: 1, offset: 5 },
          { topic: 'ct-compact', partition: 0, offset: 0 },
        ],
      }),
    );
    // Per-partition lines come in hash order: sorted.
    const sorted = (lines: string[]) => [...lines].sort();
    await same('delete records, some refused', 'kafka-delete-records', () => ['--offset-json-file', offsets], sorted);
    writeFileSync(offsets, JSON.stringify({ version: 1, partitions: [{ topic: 'ct-topic', partition: 0, offset: -1 }] }));
    await same('delete up to the high watermark', 'kafka-delete-records', () => ['--offset-json-file', offsets], sorted);
    await same('earliest offsets', 'kafka-get-offsets', () => ['--topic', 'ct-topic', '--time', '-2'], sorted);
    writeFileSync(offsets, JSON.stringify({ version: 1, partitions: [{ topic: 'ct-topic', partition: 0, offset: 99 }] }));
    await same('beyond the high watermark', 'kafka-delete-records', () => ['--offset-json-file', offsets], sorted);
    writeFileSync(offsets, '{"version": 1, "partitions": [');
    await same('a broken file', 'kafka-delete-records', () => ['--offset-json-file', offsets], sorted);
  });
});
