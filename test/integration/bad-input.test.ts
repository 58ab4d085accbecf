// Malformed and hostile input: each case gets Kafka's error or a closed connection, and the broker, its other
// connections and its log carry on unharmed.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster.js';
import { RawClient } from '../helpers/raw-client.js';
import { ErrorCode } from '../../worker/protocol/errors.js';
import { decodeRecordBatch, encodeRecordBatch, CRC_OFFSET } from '../../worker/protocol/records/record-batch.js';
import { Writer } from '../../worker/protocol/primitives.js';

let cluster: RunningCluster;
let port: number;
/** A connection opened before any bad input, which must stay usable throughout. */
let bystander: RawClient;

function batch(values: string[], compression = 0): Buffer {
  return encodeRecordBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })), compression });
}

async function createTopic(name: string, partitions = 1, configs: { name: string; value: string }[] = []): Promise<void> {
  const c = await RawClient.open(port);
  const res = await c.request(19, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  c.close();
  expect(res.topics[0].errorCode).toBe(ErrorCode.NONE);
}

function produceBody(topic: string, partition: number, records: Buffer | null, acks = -1) {
  return { transactionalId: null, acks, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
}

async function produce(c: RawClient, topic: string, partition: number, records: Buffer | null, version = 9) {
  const res = await c.request(0, version, produceBody(topic, partition, records));
  return res.responses[0].partitionResponses[0];
}

async function fetchAll(c: RawClient, topic: string, partition: number, offset = 0n) {
  const res = await c.request(1, 12, RawClient.fetchBody(topic, partition, offset));
  return res.responses[0].partitions[0];
}

function values(records: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < records.length) {
    const b = decodeRecordBatch(records, at);
    for (const r of b.records) out.push(r.value!.toString());
    at += b.header.batchLength + 12;
  }
  return out;
}

/** The bystander connection and a fresh one both still get Metadata answers. */
async function expectBrokerHealthy(): Promise<void> {
  const res = await bystander.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  expect(res?.brokers.length).toBe(1);
  const fresh = await RawClient.open(port);
  const again = await fresh.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
  expect(again.errorCode).toBe(0);
  fresh.close();
}

beforeAll(async () => {
  cluster = await startCluster({ brokers: 1, port: 0 });
  port = Number(cluster.bootstrapServers.split(':')[1]);
  bystander = await RawClient.open(port);
  await createTopic('good');
  await createTopic('small', 1, [{ name: 'max.message.bytes', value: '1000' }]);
});

afterAll(async () => {
  bystander?.close();
  await cluster?.stop();
});

describe('framing', () => {
  test('a declared length over socket.request.max.bytes closes the connection', async () => {
    const c = await RawClient.open(port);
    const header = Buffer.alloc(4);
    header.writeInt32BE(200 * 1024 * 1024);
    c.writeRaw(header);
    expect(await c.waitClosed()).toBe(true);
    await expectBrokerHealthy();
  });

  test('a negative frame length closes the connection', async () => {
    const c = await RawClient.open(port);
    c.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xf0]));
    expect(await c.waitClosed()).toBe(true);
    await expectBrokerHealthy();
  });

  test('a frame too short for a request header closes the connection', async () => {
    const c = await RawClient.open(port);
    c.writeRaw(Buffer.from([0, 0, 0, 3, 0, 3, 0]));
    expect(await c.waitClosed()).toBe(true);
    await expectBrokerHealthy();
  });

  test('a truncated request body closes the connection', async () => {
    const c = await RawClient.open(port);
    const full = RawClient.frame(3, 1, { topics: [{ name: 'good' }, { name: 'other' }] }, 7);
    const cut = full.subarray(0, full.length - 4);
    cut.writeInt32BE(cut.length - 4, 0);
    c.writeRaw(cut);
    expect(await c.waitClosed()).toBe(true);
    await expectBrokerHealthy();
  });

  test('garbage bytes close the connection', async () => {
    const c = await RawClient.open(port);
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) & 0xff;
    junk.writeInt32BE(junk.length - 4, 0);
    c.writeRaw(junk);
    expect(await c.waitClosed()).toBe(true);
    await expectBrokerHealthy();
  });

  test('a negative array length closes the connection', async () => {
    const c = await RawClient.open(port);
    const w = new Writer();
    w.writeInt32(0).writeInt16(3).writeInt16(1).writeInt32(9).writeNullableString('x').writeInt32(-5);
    w.patchInt32(0, w.length - 4);
    c.writeRaw(w.toBuffer());
    expect(await c.waitClosed()).toBe(true);
    await expectBrokerHealthy();
  });

  test('invalid UTF-8 in a topic name closes the connection', async () => {
    const c = await RawClient.open(port);
    const w = new Writer();
    w.writeInt32(0).writeInt16(3).writeInt16(1).writeInt32(9).writeNullableString('x');
    w.writeInt32(1).writeInt16(2).writeRaw(Buffer.from([0xc3, 0x28]));
    w.patchInt32(0, w.length - 4);
    c.writeRaw(w.toBuffer());
    expect(await c.waitClosed()).toBe(true);
    await expectBrokerHealthy();
  });

  test('requests split across many small TCP writes are reassembled', async () => {
    const c = await RawClient.open(port);
    const frame = RawClient.frame(18, 3, { clientSoftwareName: 'drip', clientSoftwareVersion: '1' }, 5);
    for (const byte of frame) {
      c.writeRaw(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    const res = RawClient.decodeResponse(18, 3, (await c.nextFrame())!, 5) as { errorCode: number };
    expect(res.errorCode).toBe(0);
    c.close();
  });
});

describe('API keys and versions', () => {
  test('an unknown API key closes the connection', async () => {
    const c = await RawClient.open(port);
    const w = new Writer();
    w.writeInt32(0).writeInt16(999).writeInt16(0).writeInt32(1).writeNullableString('x');
    w.patchInt32(0, w.length - 4);
    c.writeRaw(w.toBuffer());
    expect(await c.waitClosed()).toBe(true);
    await expectBrokerHealthy();
  });

  test('an unsupported version closes the connection (Metadata v99, Fetch v3, Produce v2)', async () => {
    for (const [key, version] of [
      [3, 99],
      [1, 3],
      [0, 2],
    ] as const) {
      const c = await RawClient.open(port);
      const w = new Writer();
      w.writeInt32(0).writeInt16(key).writeInt16(version).writeInt32(1).writeNullableString('x').writeInt32(0);
      w.patchInt32(0, w.length - 4);
      c.writeRaw(w.toBuffer());
      expect(await c.waitClosed(), `key ${key} v${version}`).toBe(true);
    }
    await expectBrokerHealthy();
  });

  test('ApiVersions at an unknown version gets UNSUPPORTED_VERSION and our range (KIP-511), and the connection stays open', async () => {
    const c = await RawClient.open(port);
    const w = new Writer();
    // A future ApiVersions v77 with a flexible header, as a newer client would send.
    w.writeInt32(0).writeInt16(18).writeInt16(77).writeInt32(42).writeNullableString('future').writeUVarint(0);
    w.writeRaw(Buffer.from([0x01, 0x02, 0x03]));
    w.patchInt32(0, w.length - 4);
    c.writeRaw(w.toBuffer());
    const res = RawClient.decodeResponse(18, 0, (await c.nextFrame())!, 42) as { errorCode: number; apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] };
    expect(res.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(res.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
    const retry = await c.request(18, 4, { clientSoftwareName: 'future', clientSoftwareVersion: '1' });
    expect(retry.errorCode).toBe(0);
    expect(retry.apiKeys.find((k: { apiKey: number }) => k.apiKey === 0)).toMatchObject({ minVersion: 0, maxVersion: 11 });
    c.close();
  });
});

describe('produce validation', () => {
  test('a bad CRC is CORRUPT_MESSAGE and nothing is stored', async () => {
    const c = await RawClient.open(port);
    const bad = batch(['corrupted']);
    bad[bad.length - 1] ^= 0xff;
    expect((await produce(c, 'good', 0, bad)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const crcOnly = batch(['crc field flipped']);
    crcOnly.writeUInt32BE((crcOnly.readUInt32BE(CRC_OFFSET) ^ 1) >>> 0, CRC_OFFSET);
    expect((await produce(c, 'good', 0, crcOnly)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const ok = await produce(c, 'good', 0, batch(['after-corrupt']));
    expect(ok.errorCode).toBe(0);
    const fetched = await fetchAll(c, 'good', 0);
    expect(values(fetched.records)).toContain('after-corrupt');
    expect(values(fetched.records)).not.toContain('corrupted');
    c.close();
  });

  test('a batch larger than max.message.bytes is MESSAGE_TOO_LARGE', async () => {
    const c = await RawClient.open(port);
    const big = batch([Buffer.alloc(5000, 'x').toString()]);
    expect((await produce(c, 'small', 0, big)).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect((await produce(c, 'small', 0, batch(['fits']))).errorCode).toBe(0);
    c.close();
  });

  test('produce to a partition that does not exist is UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const c = await RawClient.open(port);
    expect((await produce(c, 'good', 7, batch(['nowhere']))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce(c, 'no-such-topic-here', 0, batch(['nowhere']))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    c.close();
  });

  test('null records, two batches in one partition, and magic 1 are INVALID_RECORD', async () => {
    const c = await RawClient.open(port);
    expect((await produce(c, 'good', 0, null)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produce(c, 'good', 0, Buffer.concat([batch(['a']), batch(['b'])]))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const magic1 = batch(['old']);
    magic1[16] = 1;
    expect((await produce(c, 'good', 0, magic1)).errorCode).toBe(ErrorCode.INVALID_RECORD);
    c.close();
  });

  test('a truncated batch (no whole batch in the payload) is INVALID_RECORD, as Kafka answers', async () => {
    const c = await RawClient.open(port);
    const b = batch(['truncated record batch']);
    expect((await produce(c, 'good', 0, b.subarray(0, b.length - 5))).errorCode).toBe(ErrorCode.INVALID_RECORD);
    c.close();
  });

  test('zstd below Produce v7 is UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const c = await RawClient.open(port);
    expect((await produce(c, 'good', 0, batch(['z'], 4), 5)).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect((await produce(c, 'good', 0, batch(['z'], 4), 7)).errorCode).toBe(0);
    c.close();
  });

  test('acks other than 0, 1, -1 is INVALID_REQUIRED_ACKS', async () => {
    const c = await RawClient.open(port);
    const res = await c.request(0, 9, produceBody('good', 0, batch(['acks']), 2));
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    c.close();
  });

  test('the log is intact after all of the above: offsets contiguous, only accepted records', async () => {
    const c = await RawClient.open(port);
    const fetched = await fetchAll(c, 'good', 0);
    expect(values(fetched.records)).toEqual(['after-corrupt', 'z']);
    expect(fetched.highWatermark).toBe(2n);
    c.close();
    await expectBrokerHealthy();
  });
});

describe('topic names', () => {
  test('CreateTopics with illegal names is INVALID_TOPIC_EXCEPTION; Metadata too', async () => {
    const c = await RawClient.open(port);
    const names = ['bad name!', '', '.', '..', 'x'.repeat(250), 'tab\tname'];
    const res = await c.request(19, 7, {
      topics: names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
      timeoutMs: 10_000,
      validateOnly: false,
    });
    for (const t of res.topics) expect(t.errorCode, JSON.stringify(t.name)).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const md = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'bad name!' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    expect(md.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    c.close();
  });

  test('bad partition counts and replication factors get INVALID_PARTITIONS / INVALID_REPLICATION_FACTOR', async () => {
    const c = await RawClient.open(port);
    const res = await c.request(19, 7, {
      topics: [
        { name: 'zero-partitions', numPartitions: 0, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'rf-too-big', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
        { name: 'rf-zero', numPartitions: 1, replicationFactor: 0, assignments: [], configs: [] },
        { name: 'bad-config', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: 'soon' }] },
        { name: 'unknown-config', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'no.such.config', value: '1' }] },
        { name: 'good', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect(res.topics.map((t: { errorCode: number }) => t.errorCode)).toEqual([
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.INVALID_REPLICATION_FACTOR,
      ErrorCode.INVALID_CONFIG,
      ErrorCode.INVALID_CONFIG,
      ErrorCode.TOPIC_ALREADY_EXISTS,
    ]);
    const md = await c.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.topics.map((t: { name: string }) => t.name).sort()).toEqual(['good', 'small']);
    c.close();
  });
});
