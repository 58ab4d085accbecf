// The GUI backend's topic admin and message browsing against a real in-process 3-broker cluster, called through
// the WebSocket transport the browser uses (and directly where the transport adds nothing).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UiApi } from '../../main/contract/ui-api.js';
import { waitFor } from '../helpers/wait.js';
import { startGuiHarness, sleep, text, type GuiHarness } from './gui/harness.js';

let h: GuiHarness;
let api: UiApi;

beforeAll(async () => {
  h = await startGuiHarness();
  api = h.remote as unknown as UiApi;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

// The topic holds this many messages (produce answers after acks=all, so this holds at once; kept as a wait to
// report a clear failure).
async function settled(topic: string, messages: number): Promise<void> {
  await waitFor(async () => (await api.topics('local')).find((t) => t.name === topic)?.messages === messages || null, { what: `${messages} messages in ${topic}` });
}

describe('topics', () => {
  test('create (validate-only first), list, detail, defaults, configs, partitions, purge, delete', async () => {
    await api.createTopic('local', { name: 'orders', partitions: 3, replicationFactor: 3, validateOnly: true });
    expect((await api.topics('local')).map((t) => t.name)).not.toContain('orders');
    await api.createTopic('local', { name: 'orders', partitions: 3, replicationFactor: 3, configs: { 'retention.ms': '3600000' } });
    await expect(api.createTopic('local', { name: 'orders', partitions: 1, replicationFactor: 1 })).rejects.toMatchObject({ name: 'TOPIC_ALREADY_EXISTS' });
    await expect(api.createTopic('local', { name: 'bad name!', partitions: 1, replicationFactor: 1 })).rejects.toMatchObject({ name: 'INVALID_TOPIC_EXCEPTION' });
    await expect(api.createTopic('local', { name: 'too-many-replicas', partitions: 1, replicationFactor: 5 })).rejects.toMatchObject({ name: 'INVALID_REPLICATION_FACTOR' });

    const list = await api.topics('local');
    expect(list.find((t) => t.name === 'orders')).toMatchObject({ partitions: 3, replicationFactor: 3, messages: 0, internal: false });

    const detail = await api.topic('local', 'orders');
    expect(detail.partitions).toHaveLength(3);
    expect(detail.partitions[0]).toMatchObject({ partition: 0, logStartOffset: 0, highWatermark: 0, logEndOffset: 0 });
    expect(detail.partitions.every((p) => p.isr.length === 3)).toBe(true);
    await expect(api.topic('local', 'nope')).rejects.toMatchObject({ name: 'UNKNOWN_TOPIC_OR_PARTITION' });

    const defaults = await api.newTopicDefaults('local');
    expect(defaults.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'delete' });

    const configs = await api.topicConfigs('local', 'orders');
    expect(configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '3600000', source: 'TOPIC_CONFIG' });
    await api.alterTopicConfigs('local', 'orders', { set: { 'retention.ms': '7200000', 'cleanup.policy': 'compact,delete' } });
    let after = await api.topicConfigs('local', 'orders');
    expect(after.find((c) => c.name === 'retention.ms')?.value).toBe('7200000');
    // A refused entry changes nothing (validated first).
    await expect(api.alterTopicConfigs('local', 'orders', { set: { 'retention.ms': '1', 'min.insync.replicas': 'lots' } })).rejects.toMatchObject({ name: 'INVALID_CONFIG' });
    expect((await api.topicConfigs('local', 'orders')).find((c) => c.name === 'retention.ms')?.value).toBe('7200000');
    await api.alterTopicConfigs('local', 'orders', { delete: ['retention.ms'] });
    after = await api.topicConfigs('local', 'orders');
    expect(after.find((c) => c.name === 'retention.ms')?.source).not.toBe('TOPIC_CONFIG');

    await api.addPartitions('local', 'orders', 4);
    expect((await api.topic('local', 'orders')).partitions).toHaveLength(4);
    await expect(api.addPartitions('local', 'orders', 2)).rejects.toMatchObject({ name: 'INVALID_PARTITIONS' });

    await api.alterTopicConfigs('local', 'orders', { delete: ['cleanup.policy'] });
    await api.produce('local', { topic: 'orders', value: 'v{{i}}', count: 40 });
    await settled('orders', 40);
    expect((await api.topics('local')).find((t) => t.name === 'orders')?.messages).toBe(40);
    await api.purgeTopic('local', 'orders');
    const purged = await api.topic('local', 'orders');
    expect(purged.partitions.every((p) => p.logStartOffset === p.highWatermark)).toBe(true);
    expect((await api.topics('local')).find((t) => t.name === 'orders')?.messages).toBe(0);

    await api.deleteTopic('local', 'orders');
    expect((await api.topics('local')).map((t) => t.name)).not.toContain('orders');
  });
});

describe('messages', () => {
  beforeAll(async () => {
    await api.createTopic('local', { name: 'events', partitions: 3, replicationFactor: 3 });
    // Spaced out so timestamps order them across partitions.
    for (let i = 0; i < 60; i += 10) {
      await api.produce('local', { topic: 'events', key: 'k{{i}}', value: JSON.stringify({ n: '{{i}}' }).replace('"{{i}}"', '{{i}}'), count: 10, headers: [{ key: 'batch', value: `b${i / 10}` }] });
      await sleep(5);
    }
    await api.produce('local', { topic: 'events', partition: 1, key: 'big', value: 'x'.repeat(50_000) });
    await settled('events', 61);
  });

  test('produce spreads keys like the Java client and reports offsets', async () => {
    const r = await api.produce('local', { topic: 'events', key: 'same', value: 'a', count: 3 });
    expect(r.count).toBe(3);
    expect(r.partitions).toHaveLength(1);
    expect(r.partitions[0]!.lastOffset - r.partitions[0]!.firstOffset).toBe(2);
    await settled('events', 64);
  });

  test('forward from earliest, merged by timestamp, continued with the cursor', async () => {
    const first = await api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 25 });
    expect(first.messages).toHaveLength(25);
    const ts = first.messages.map((m) => m.timestamp);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(first.done).toBe(false);
    const rest = await api.browseMore('local', { topic: 'events', start: { kind: 'earliest' }, limit: 10_000 }, first.cursor);
    expect(first.messages.length + rest.messages.length).toBe(64);
    expect(rest.done).toBe(true);
    const seen = new Set([...first.messages, ...rest.messages].map((m) => `${m.partition}/${m.offset}`));
    expect(seen.size).toBe(64);
  });

  test('backward from latest gives the newest first; big values are cut to maxValueBytes; message() has them whole', async () => {
    const r = await api.browse('local', { topic: 'events', start: { kind: 'latest' }, direction: 'backward', limit: 5, maxValueBytes: 100 });
    expect(r.messages).toHaveLength(5);
    const ts = r.messages.map((m) => m.timestamp);
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    const big = (await api.browse('local', { topic: 'events', partitions: [1], start: { kind: 'latest' }, direction: 'backward', limit: 10, maxValueBytes: 100 })).messages.find((m) => text(m.key) === 'big')!;
    expect(big.value).toMatchObject({ size: 50_000, truncated: true });
    expect(Buffer.from(big.value!.base64, 'base64')).toHaveLength(100);
    const full = await api.message('local', 'events', big.partition, big.offset);
    expect(full?.value).toMatchObject({ size: 50_000, truncated: false });
    expect(text(full!.value)).toBe('x'.repeat(50_000));
    expect(await api.message('local', 'events', 1, 999_999)).toBeNull();
  });

  test('backward paging reaches the oldest record exactly once', async () => {
    let r = await api.browse('local', { topic: 'events', partitions: [0], direction: 'backward', start: { kind: 'latest' }, limit: 7 });
    const all = [...r.messages];
    while (!r.done) {
      r = await api.browseMore('local', { topic: 'events', partitions: [0], direction: 'backward', start: { kind: 'latest' }, limit: 7 }, r.cursor);
      all.push(...r.messages);
    }
    const offsets = all.map((m) => m.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => b - a));
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets.at(-1)).toBe(0);
  });

  test('from an offset, from a timestamp', async () => {
    const r = await api.browse('local', { topic: 'events', partitions: [2], start: { kind: 'offset', offset: 3 }, limit: 2 });
    expect(r.messages.map((m) => m.offset)).toEqual([3, 4]);
    const all = (await api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 1000 })).messages;
    const mid = all[30]!.timestamp;
    const fromTime = await api.browse('local', { topic: 'events', start: { kind: 'timestamp', timestamp: mid }, limit: 1000 });
    expect(fromTime.messages.every((m) => m.timestamp >= mid)).toBe(true);
    expect(fromTime.messages.length).toBe(all.filter((m) => m.timestamp >= mid).length);
  });

  test('filters: substrings on key, value and header; a JavaScript expression', async () => {
    const byKey = await api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 1000, filter: { key: 'k5' } });
    expect(byKey.messages.map((m) => text(m.key))).toEqual(Array(6).fill('k5'));
    expect(byKey.scanned).toBe(64);
    const byHeader = await api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 1000, filter: { header: 'b2' } });
    expect(byHeader.messages).toHaveLength(10);
    const byExpr = await api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 1000, filter: { expression: 'json && json.n % 2 === 0 && record.headers[0].value === "b0"' } });
    expect(byExpr.messages.map((m) => JSON.parse(text(m.value)!).n).sort((a: number, b: number) => a - b)).toEqual([0, 2, 4, 6, 8]);
  });

  test('a substring filter over many batches: each match once, paging forward and backward, every record counted as scanned', async () => {
    // 40 batches of 10 over 2 partitions; three batches carry the substring. The others are skipped undecoded.
    await api.createTopic('local', { name: 'haystack', partitions: 2, replicationFactor: 1 });
    const needles = new Set([7, 23, 31]);
    for (let c = 0; c < 40; c++) {
      await api.produce('local', { topic: 'haystack', partition: c % 2, value: needles.has(c) ? `needle-{{i}}-c${c}` : `hay-{{i}}-c${c}`, count: 10 });
    }
    await settled('haystack', 400);
    const expected = [...needles].flatMap((c) => Array.from({ length: 10 }, (_, i) => `needle-${i}-c${c}`)).sort();
    for (const direction of ['forward', 'backward'] as const) {
      const query = { topic: 'haystack', direction, start: { kind: direction === 'forward' ? 'earliest' : 'latest' } as const, limit: 4, filter: { value: 'needle' } };
      let r = await api.browse('local', query);
      const values = r.messages.map((m) => text(m.value)!);
      let scanned = r.scanned;
      while (!r.done) {
        r = await api.browseMore('local', query, r.cursor);
        values.push(...r.messages.map((m) => text(m.value)!));
        scanned += r.scanned;
      }
      expect([...values].sort(), direction).toEqual(expected);
      expect(scanned, direction).toBe(400);
    }
  });

  test('filter sandbox: no Node inside, runaway code is stopped with FILTER_ERROR, bad code too', async () => {
    const none = await api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 1000, filter: { expression: 'typeof process !== "undefined" || typeof require !== "undefined"' } });
    expect(none.messages).toHaveLength(0);
    const started = Date.now();
    await expect(api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 10, filter: { expression: '(() => { for (;;) {} })()' } })).rejects.toMatchObject({
      name: 'FILTER_ERROR',
      message: expect.stringContaining('ran longer'),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 10, filter: { expression: 'record.constructor.constructor("return process")().exit()' } })).rejects.toMatchObject({ name: 'FILTER_ERROR' });
    await expect(api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 10, filter: { expression: 'this is not js' } })).rejects.toMatchObject({ name: 'FILTER_ERROR' });
    // The backend is fine afterwards.
    expect((await api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 3 })).messages).toHaveLength(3);
  });

  test('tail waits for new messages after a forward cursor', async () => {
    const atEnd = await api.browse('local', { topic: 'events', start: { kind: 'latest' }, limit: 100 });
    expect(atEnd.messages).toHaveLength(0);
    const empty = await api.tail('local', { topic: 'events', start: { kind: 'latest' } }, atEnd.cursor, 300);
    expect(empty.messages).toHaveLength(0);
    const waiting = api.tail('local', { topic: 'events', start: { kind: 'latest' } }, atEnd.cursor, 10_000);
    await sleep(300);
    await api.produce('local', { topic: 'events', key: 'live', value: 'now' });
    const got = await waiting;
    expect(got.messages.map((m) => text(m.value))).toEqual(['now']);
  });

  test('replay copies one message, headers included, to another topic', async () => {
    await api.createTopic('local', { name: 'copies', partitions: 1, replicationFactor: 1 });
    const src = (await api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 1 })).messages[0]!;
    const r = await api.replay('local', { topic: 'events', partition: src.partition, offset: src.offset }, { conn: 'local', topic: 'copies' });
    expect(r.count).toBe(1);
    await settled('copies', 1);
    const copy = (await api.browse('local', { topic: 'copies', start: { kind: 'earliest' } })).messages[0]!;
    expect(text(copy.key)).toBe(text(src.key));
    expect(text(copy.value)).toBe(text(src.value));
    expect(copy.headers.map((x) => [x.key, text(x.value)])).toEqual(src.headers.map((x) => [x.key, text(x.value)]));
  });

  test('compressed batches (zstd on Node 20 too) are produced and browsed', async () => {
    for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      await api.produce('local', { topic: 'copies', value: `${compression}-{{i}}`, count: 3, compression });
    }
    await settled('copies', 13);
    const r = await api.browse('local', { topic: 'copies', start: { kind: 'earliest' }, limit: 100, filter: { value: '-' } });
    expect(r.messages.map((m) => text(m.value))).toEqual(['gzip-0', 'gzip-1', 'gzip-2', 'snappy-0', 'snappy-1', 'snappy-2', 'lz4-0', 'lz4-1', 'lz4-2', 'zstd-0', 'zstd-1', 'zstd-2']);
  });

  test('bad input is BAD_REQUEST naming the field', async () => {
    await expect(api.browse('local', { topic: 'events', start: { kind: 'earliest' }, limit: 0 })).rejects.toMatchObject({ name: 'BAD_REQUEST', message: expect.stringContaining('limit') });
    await expect(api.produce('local', { topic: 'events', value: 'x', partition: 99 })).rejects.toMatchObject({ name: 'BAD_REQUEST' });
    await expect(api.browse('nope', { topic: 'events', start: { kind: 'earliest' } })).rejects.toMatchObject({ name: 'NOT_CONNECTED' });
  });
});
