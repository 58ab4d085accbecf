// "Acknowledge only what is committed": kill the process with SIGKILL in the middle of a produce loop, start
// it again on the same data dir, and check that every acknowledged record is there, once, at the offset it
// was acknowledged with, in order. Also: a clean stop and start keeps topics (same ids) and records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runEddy, type EddyProcess } from '../helpers/eddy-process.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait.js';
import { decodeRecordBatch, encodeRecordBatch } from '../../worker/protocol/records/record-batch.js';

const dirs: string[] = [];
const procs: EddyProcess[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-durability-'));
  dirs.push(d);
  return d;
}

function start(dataDir: string, brokers: number): EddyProcess {
  const p = runEddy(['--brokers', String(brokers), '--port', '0', '--no-ui', '--data-dir', dataDir]);
  procs.push(p);
  return p;
}

afterEach(async () => {
  for (const p of procs.splice(0)) await p.stop('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function createTopic(port: number, name: string, partitions: number): Promise<string> {
  const c = await RawClient.open(port);
  const res = await c.request(19, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  c.close();
  expect(res.topics[0].errorCode).toBe(0);
  return res.topics[0].topicId;
}

/** partition -> broker port of its leader */
async function leaders(port: number, topic: string): Promise<{ topicId: string; leaderPorts: number[] }> {
  const c = await RawClient.open(port);
  const md = await c.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  c.close();
  const ports = new Map<number, number>(md.brokers.map((b: { nodeId: number; port: number }) => [b.nodeId, b.port]));
  const t = md.topics[0];
  const leaderPorts: number[] = [];
  for (const p of t.partitions) leaderPorts[p.partitionIndex] = ports.get(p.leaderId)!;
  return { topicId: t.topicId, leaderPorts };
}

async function readPartition(port: number, topic: string, partition: number): Promise<{ offset: bigint; value: string }[]> {
  const c = await RawClient.open(port);
  const out: { offset: bigint; value: string }[] = [];
  let offset = 0n;
  for (;;) {
    const res = await c.request(1, 12, RawClient.fetchBody(topic, partition, offset, 50_000_000));
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    const records: Buffer = p.records;
    if (records.length === 0) break;
    let at = 0;
    while (at + 61 <= records.length) {
      const b = decodeRecordBatch(records, at);
      for (const r of b.records) if (r.offset >= offset) out.push({ offset: r.offset, value: r.value!.toString() });
      at += b.size;
    }
    offset = out.length > 0 ? out.at(-1)!.offset + 1n : offset;
    if (offset >= p.highWatermark) break;
  }
  c.close();
  return out;
}

describe('durability', () => {
  test('SIGKILL during a pipelined produce loop loses no acknowledged record (five kill/restart rounds)', { timeout: 180_000 }, async () => {
    const dataDir = tempDir();
    const partitions = 3;
    const acked = new Map<number, { offset: bigint; value: string }[]>(Array.from({ length: partitions }, (_, p) => [p, []]));
    let proc = start(dataDir, 3);
    await createTopic(await proc.port(), 'durable', partitions);
    let seq = 0;

    for (let round = 0; round < 5; round++) {
      const { leaderPorts } = await leaders(await proc.port(), 'durable');
      // One producer connection per partition leader, eight requests in flight each, until the kill.
      let stop = false;
      let ackedThisRound = 0;
      const loops = leaderPorts.map(async (leaderPort, partition) => {
        const c = await RawClient.open(leaderPort);
        const mine = acked.get(partition)!;
        const inflight = new Set<Promise<void>>();
        while (!stop) {
          const values = Array.from({ length: 10 }, () => `p${partition}-r${seq++}`);
          const body = {
            transactionalId: null,
            acks: -1,
            timeoutMs: 10_000,
            topicData: [{ name: 'durable', partitionData: [{ index: partition, records: encodeRecordBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v) })) }) }] }],
          };
          const req = c.request(0, 9, body).then(
            (res) => {
              if (!res) return;
              const pr = res.responses[0].partitionResponses[0];
              if (pr.errorCode !== 0) throw new Error(`produce error ${pr.errorCode}`);
              values.forEach((value, i) => mine.push({ offset: pr.baseOffset + BigInt(i), value }));
              ackedThisRound += values.length;
            },
            () => undefined,
          );
          inflight.add(req);
          void req.finally(() => inflight.delete(req));
          if (inflight.size >= 8) await Promise.race(inflight);
          // Let timers and I/O run: requests on a closed socket settle through microtasks alone.
          await new Promise((r) => setImmediate(r));
        }
        await Promise.allSettled([...inflight]);
        c.close();
      });

      await waitFor(() => ackedThisRound > 2000, { timeoutMs: 30_000, what: 'acknowledged records' });
      proc.proc.kill('SIGKILL');
      stop = true;
      await proc.exited;
      await Promise.all(loops);

      proc = start(dataDir, 3);
      const after = await leaders(await proc.port(), 'durable');
      for (let p = 0; p < partitions; p++) {
        const stored = await readPartition(after.leaderPorts[p]!, 'durable', p);
        // Offsets are dense and in order.
        stored.forEach((r, i) => expect(r.offset).toBe(BigInt(i)));
        // Every acknowledged record is at the offset it was acknowledged with; nothing appears twice.
        const byOffset = new Map(stored.map((r) => [r.offset, r.value]));
        for (const a of acked.get(p)!) expect(byOffset.get(a.offset), `round ${round} partition ${p} offset ${a.offset}`).toBe(a.value);
        expect(new Set(stored.map((r) => r.value)).size).toBe(stored.length);
      }
    }
  });

  test('a clean stop and start keeps topics, their ids and every record', async () => {
    const dataDir = tempDir();
    const first = start(dataDir, 3);
    const port = await first.port();
    const topicId = await createTopic(port, 'kept', 2);
    const { leaderPorts } = await leaders(port, 'kept');
    for (let p = 0; p < 2; p++) {
      const c = await RawClient.open(leaderPorts[p]!);
      for (let i = 0; i < 5; i++) {
        const res = await c.request(0, 9, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 10_000,
          topicData: [{ name: 'kept', partitionData: [{ index: p, records: encodeRecordBatch({ records: [{ key: Buffer.from(`k${i}`), value: Buffer.from(`p${p}-v${i}`) }] }) }] }],
        });
        expect(res.responses[0].partitionResponses[0].baseOffset).toBe(BigInt(i));
      }
      c.close();
    }
    expect((await first.stop('SIGINT')).code).toBe(0);
    expect(first.stderr()).toContain('SIGINT received, stopping');

    const second = start(dataDir, 3);
    const port2 = await second.port();
    const after = await leaders(port2, 'kept');
    expect(after.topicId).toBe(topicId);
    for (let p = 0; p < 2; p++) {
      const stored = await readPartition(after.leaderPorts[p]!, 'kept', p);
      expect(stored.map((r) => r.value)).toEqual([0, 1, 2, 3, 4].map((i) => `p${p}-v${i}`));
    }
    // New appends continue after the restored log end.
    const c = await RawClient.open(after.leaderPorts[0]!);
    const res = await c.request(0, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 10_000,
      topicData: [{ name: 'kept', partitionData: [{ index: 0, records: encodeRecordBatch({ records: [{ key: null, value: Buffer.from('later') }] }) }] }],
    });
    expect(res.responses[0].partitionResponses[0].baseOffset).toBe(5n);
    c.close();
    expect((await second.stop('SIGTERM')).code).toBe(0);
  });
});
