// Producing from the GUI: one message or many copies ({{i}} replaced by the copy's index), partitioned as the Java
// client does (murmur2 of the key, round robin without one), sent in bounded batches with acks=all.
import { murmur2, Producer } from '@platformatic/kafka';
import type { ProduceInput, ProduceResult } from '../../contract/ui-api.js';
import type { Connection } from '../connection.js';
import { badRequest, toUiError } from '../errors.js';
import { clientOptions } from '../kafka-client.js';
import { findTopic } from '../topics.js';
import { installZstd } from './zstd-support.js';

const MAX_COUNT = 1_000_000;
const BATCH = 500;

export interface OutgoingMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
  partition?: number;
}

function decode(text: string | null | undefined, encoding: 'utf8' | 'base64' | undefined, field: string): Buffer | null {
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') throw badRequest(`produce: ${field} must be a string`);
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/\s/g, ''))) throw badRequest(`produce: ${field} is not base64`);
    return Buffer.from(text, 'base64');
  }
  return Buffer.from(text, 'utf8');
}

const withIndex = (s: string | null | undefined, i: number) => (typeof s === 'string' ? s.replaceAll('{{i}}', String(i)) : s);

export function messagesOf(input: ProduceInput): { count: number; at: (i: number) => OutgoingMessage } {
  const count = input.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw badRequest(`produce: count must be between 1 and ${MAX_COUNT}, got ${input.count}`);
  for (const h of input.headers ?? []) if (typeof h?.key !== 'string') throw badRequest('produce: every header needs a key');
  const templated = count > 1;
  return {
    count,
    at: (i) => ({
      key: decode(templated && input.keyEncoding !== 'base64' ? withIndex(input.key, i) : input.key, input.keyEncoding, 'key'),
      value: decode(templated && input.valueEncoding !== 'base64' ? withIndex(input.value, i) : input.value, input.valueEncoding, 'value'),
      headers: (input.headers ?? []).map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value, 'utf8') })),
      ...(input.partition !== undefined ? { partition: input.partition } : {}),
    }),
  };
}

/** The Java client's partition for a key: murmur2 made positive, modulo the partition count. */
export function partitionForKey(key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

export class ProducerPool {
  private readonly producers = new Map<Connection, Producer>();
  private roundRobin = 0;

  private producer(c: Connection): Producer {
    let p = this.producers.get(c);
    if (!p || p.closed) {
      installZstd();
      p = new Producer({ ...clientOptions(c.client.options, 'eddy-gui-producer'), idempotent: false, autocreateTopics: false });
      this.producers.set(c, p);
    }
    return p;
  }

  async send(c: Connection, topic: string, count: number, at: (i: number) => OutgoingMessage, compression: ProduceInput['compression'] = 'none'): Promise<ProduceResult> {
    const started = Date.now();
    const md = await c.metadata();
    const t = findTopic(md, topic);
    const n = t.partitions.length;
    const producer = this.producer(c);
    // The library partitions and routes by its metadata cache, which lags topics created, grown or recreated since.
    try {
      await producer.metadata({ topics: [topic], forceUpdate: true });
    } catch (e) {
      throw toUiError(e, `could not produce to ${topic}`);
    }
    const ranges = new Map<number, { first: number; last: number }>();
    for (let i = 0; i < count; i += BATCH) {
      const perPartition = new Map<number, number>();
      const messages = [];
      for (let j = i; j < Math.min(count, i + BATCH); j++) {
        const m = at(j);
        const partition = m.partition ?? (m.key ? partitionForKey(m.key, n) : this.roundRobin++ % n);
        if (!Number.isInteger(partition) || partition < 0 || partition >= n) throw badRequest(`produce: topic ${topic} has no partition ${partition}`);
        perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
        const headers = new Map<Buffer, Buffer>();
        for (const h of m.headers) headers.set(Buffer.from(h.key), h.value ?? Buffer.alloc(0));
        messages.push({ topic, partition, ...(m.key ? { key: m.key } : {}), ...(m.value ? { value: m.value } : {}), headers });
      }
      let result;
      try {
        // acks per send: the library does not apply the constructor's acks to send() (it defaults to the leader's ack).
        result = await producer.send({ messages, compression: compression ?? 'none', acks: -1 });
      } catch (e) {
        throw toUiError(e, `could not produce to ${topic}`);
      }
      for (const o of result.offsets ?? []) {
        const sent = perPartition.get(o.partition) ?? 0;
        if (sent === 0) continue;
        const first = Number(o.offset);
        const r = ranges.get(o.partition);
        ranges.set(o.partition, { first: r ? Math.min(r.first, first) : first, last: Math.max(r?.last ?? -1, first + sent - 1) });
      }
    }
    return {
      count,
      partitions: [...ranges].map(([partition, r]) => ({ partition, firstOffset: r.first, lastOffset: r.last })).sort((a, b) => a.partition - b.partition),
      durationMs: Date.now() - started,
    };
  }

  forget(c: Connection): void {
    const p = this.producers.get(c);
    this.producers.delete(c);
    void p?.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.producers.values()].map((p) => p.close().catch(() => undefined)));
    this.producers.clear();
  }
}
