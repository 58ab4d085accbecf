// Pipelined OffsetCommits on one connection (what commitAsync does): a raw client writes a burst of requests in one
// go to the group's coordinator of a 3-broker Eddy (__consumer_offsets RF=3) and reads the answers. They must come
// back in request order, each with its own error codes (a bad commit of one group or partition does not fail the
// others in the same coordinator batch), and the accepted ones must all be visible to OffsetFetch afterwards, the
// later of two commits of a partition winning. A JoinGroup in the middle of the burst still orders the commits
// around it as Kafka's one-request-at-a-time channel does: the commits before it were made while the group was
// empty, the one after it is refused (UNKNOWN_MEMBER_ID: a generation -1 commit to a group with a member).
// The accepted commits of the burst share few __consumer_offsets record batches (one append and one replication
// round for many commits, as Kafka's coordinator runtime batches writes), read back with Fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { RawClient } from '../helpers/raw-client';
import { ErrorCode, errorName } from '../../worker/protocol/errors.js';
import { decodeRecordBatch } from '../../worker/protocol/records/index.js';
import { decodeGroupRecord } from '../../worker/broker/coordinator/group/records.js';
import { offsetsPartitionFor } from '../../worker/broker/coordinator/group/offsets-topic.js';
import { coordinator, createTopic, FAST_GROUPS } from './groups/common';

const TOPIC = 'pc-topic';
const PARTITIONS = 3;
const MAX_METADATA = 64;
const OFFSETS_PARTITIONS = FAST_GROUPS['offsets.topic.num.partitions']!;
const GROUP = 'pc-group';

interface Commit {
  group: string;
  generation: number;
  memberId: string;
  partitions: { topic: string; partition: number; offset: number; metadata?: string }[];
}

function commitBody(c: Commit) {
  const topics = [...new Set(c.partitions.map((p) => p.topic))].map((name) => ({
    name,
    partitions: c.partitions
      .filter((p) => p.topic === name)
      .map((p) => ({ partitionIndex: p.partition, committedOffset: BigInt(p.offset), committedLeaderEpoch: -1, committedMetadata: p.metadata ?? null })),
  }));
  return { groupId: c.group, generationIdOrMemberEpoch: c.generation, memberId: c.memberId, groupInstanceId: null, topics };
}

/** Another group id in the same __consumer_offsets partition as GROUP, so the same coordinator shard serves both. */
function neighbourGroup(): string {
  const target = offsetsPartitionFor(GROUP, OFFSETS_PARTITIONS);
  for (let i = 0; ; i++) if (offsetsPartitionFor(`pc-other-${i}`, OFFSETS_PARTITIONS) === target) return `pc-other-${i}`;
}

/** The offset records of `group` in its __consumer_offsets partition, by record batch (Fetch v12 from the leader). */
async function offsetRecordBatches(port: number, group: string): Promise<{ partition: number; offset: number }[][]> {
  const c = await RawClient.open(port);
  try {
    const res = await c.request(1, 12, RawClient.fetchBody('__consumer_offsets', offsetsPartitionFor(group, OFFSETS_PARTITIONS)));
    const p = res.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    const records: Buffer = p.records;
    const batches: { partition: number; offset: number }[][] = [];
    for (let at = 0; at + 61 <= records.length; ) {
      const b = decodeRecordBatch(records, at);
      at += b.size;
      const mine = b.records
        .map((r) => decodeGroupRecord(r.key, r.value))
        .filter((r) => r?.type === 'offset' && r.group === group && r.value !== null)
        .map((r) => (r!.type === 'offset' ? { partition: r!.partition, offset: Number(r!.value!.offset) } : null)!);
      if (mine.length > 0) batches.push(mine);
    }
    return batches;
  } finally {
    c.close();
  }
}

describe('pipelined OffsetCommits on one connection', () => {
  let cluster: RunningCluster;

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0, config: { ...FAST_GROUPS, 'offset.metadata.max.bytes': MAX_METADATA } });
    await createTopic(cluster.bootstrapServers, TOPIC, PARTITIONS);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('are answered in order, each with its own errors, all visible to OffsetFetch, around a JoinGroup as Kafka orders them', async () => {
    const addr = await coordinator(cluster.bootstrapServers, GROUP);
    const other = neighbourGroup();
    // Warm the coordinator up: the group's shard is loaded and __consumer_offsets is replicated.
    const warm = await RawClient.open(addr.port, addr.host);
    const first = await warm.request(8, 8, commitBody({ group: GROUP, generation: -1, memberId: '', partitions: [{ topic: TOPIC, partition: 0, offset: 1 }] }));
    expect(first.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    warm.close();

    // The burst: 24 accepted commits of GROUP (partition p gets offsets 100+p, 200+p, ... so the last one wins),
    // with refused ones in between, then a JoinGroup, then one more commit.
    const requests: { apiKey: number; version: number; body: unknown; expect: string[] }[] = [];
    for (let i = 0; i < 24; i++) {
      const partition = i % PARTITIONS;
      const offset = 100 * (1 + Math.floor(i / PARTITIONS)) + partition;
      requests.push({ apiKey: 8, version: 8, body: commitBody({ group: GROUP, generation: -1, memberId: '', partitions: [{ topic: TOPIC, partition, offset }] }), expect: ['NONE'] });
      if (i === 3) {
        // Metadata too large for one partition of the request, the other partition is accepted.
        requests.push({
          apiKey: 8,
          version: 8,
          body: commitBody({ group: GROUP, generation: -1, memberId: '', partitions: [{ topic: TOPIC, partition: 2, offset: 9_999, metadata: 'x'.repeat(MAX_METADATA + 1) }, { topic: TOPIC, partition: 1, offset: 401 }] }),
          expect: ['OFFSET_METADATA_TOO_LARGE', 'NONE'],
        });
      }
      if (i === 7) {
        // A partition beyond the topic's: answered by the handler, the coordinator never sees it.
        requests.push({ apiKey: 8, version: 8, body: commitBody({ group: GROUP, generation: -1, memberId: '', partitions: [{ topic: TOPIC, partition: PARTITIONS, offset: 5 }] }), expect: ['UNKNOWN_TOPIC_OR_PARTITION'] });
      }
      if (i === 11) {
        // Another group of the same shard: a member's commit to a group that does not exist.
        requests.push({ apiKey: 8, version: 8, body: commitBody({ group: other, generation: 3, memberId: 'ghost', partitions: [{ topic: TOPIC, partition: 0, offset: 7 }] }), expect: ['ILLEGAL_GENERATION'] });
      }
    }
    // What OffsetFetch must answer: per partition, the last offset accepted in request order.
    const winners = new Map<number, number>();
    for (const r of requests) {
      const body = r.body as ReturnType<typeof commitBody>;
      if (body.groupId !== GROUP) continue;
      body.topics[0]!.partitions.forEach((p, j) => {
        if (r.expect[j] === 'NONE') winners.set(p.partitionIndex, Number(p.committedOffset));
      });
    }
    requests.push({
      apiKey: 11,
      version: 3,
      body: { groupId: GROUP, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] },
      expect: ['NONE'],
    });
    requests.push({ apiKey: 8, version: 8, body: commitBody({ group: GROUP, generation: -1, memberId: '', partitions: [{ topic: TOPIC, partition: 0, offset: 77_777 }] }), expect: ['UNKNOWN_MEMBER_ID'] });

    const c = await RawClient.open(addr.port, addr.host);
    try {
      // One write: the coordinator reads the whole burst at once.
      c.writeRaw(Buffer.concat(requests.map((r, i) => RawClient.frame(r.apiKey, r.version, r.body, 1000 + i))));
      const seen: { correlation: number; codes: string[] }[] = [];
      for (let i = 0; i < requests.length; i++) {
        const frame = await c.nextFrame(20_000);
        expect(frame, `response ${i}`).not.toBeNull();
        const correlation = frame!.readInt32BE(0);
        const r = requests[correlation - 1000];
        expect(r, `correlation id ${correlation}`).toBeDefined();
        const res = RawClient.decodeResponse(r!.apiKey, r!.version, frame!, correlation) as any;
        const codes: number[] = r!.apiKey === 8 ? res.topics.flatMap((t: any) => t.partitions.map((p: any) => p.errorCode)) : [res.errorCode];
        seen.push({ correlation, codes: codes.map((x) => errorName(x)) });
      }
      expect(seen).toEqual(requests.map((r, i) => ({ correlation: 1000 + i, codes: r.expect })));

      // OffsetFetch on the same connection (it waits for the commits before it) and on a fresh one.
      const fetch = { groups: [{ groupId: GROUP, memberId: null, memberEpoch: -1, topics: [{ name: TOPIC, partitionIndexes: [0, 1, 2] }] }], requireStable: false };
      const expected = [0, 1, 2].map((p) => winners.get(p));
      const same = await c.request(9, 9, fetch);
      expect(same.groups[0].topics[0].partitions.map((p: any) => Number(p.committedOffset))).toEqual(expected);
      const fresh = await RawClient.open(addr.port, addr.host);
      const again = await fresh.request(9, 9, fetch);
      fresh.close();
      expect(again.groups[0].topics[0].partitions.map((p: any) => Number(p.committedOffset))).toEqual(expected);
      const otherFetch = await c.request(9, 9, { ...fetch, groups: [{ ...fetch.groups[0], groupId: other }] });
      expect(otherFetch.groups[0].topics[0].partitions.map((p: any) => Number(p.committedOffset))).toEqual([-1, -1, -1]);
    } finally {
      c.close();
    }

    // The 25 accepted offsets of the burst (25 requests) went out in a few record batches, not one each.
    const batches = (await offsetRecordBatches(addr.port, GROUP)).filter((b) => b.some((r) => r.offset >= 100));
    const records = batches.flat();
    expect(records.length).toBe(25);
    expect(batches.length).toBeLessThanOrEqual(3);
    // In the log, in request order: the last record of each partition is the winner.
    const lastInLog = new Map<number, number>();
    for (const r of records) lastInLog.set(r.partition, r.offset);
    expect([0, 1, 2].map((p) => lastInLog.get(p))).toEqual([0, 1, 2].map((p) => winners.get(p)));
  });
});
