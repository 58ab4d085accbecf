// The KIP-848 consumer group with a fake clock and an in-memory host: join, server-side assignment,
// revocation before reassignment, epochs and fencing, leave, session expiry, replay from records.
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../worker/protocol/errors.js';
import { DEFAULT_BROKER_SETTINGS } from '../../worker/rpc/broker-rpc.js';
import { ConsumerGroup, MemberState, type ConsumerGroupHost, type ConsumerHeartbeatRequest } from '../../worker/broker/coordinator/group/consumer-group.js';
import type { GroupRecord } from '../../worker/broker/coordinator/group/records.js';
import { rangeAssign, uniformAssign } from '../../worker/broker/coordinator/group/assignors.js';

class FakeHost implements ConsumerGroupHost {
  records: GroupRecord[] = [];
  topics = new Map<string, { topicId: string; partitions: number }>([
    ['orders', { topicId: 'T-orders', partitions: 6 }],
    ['audit', { topicId: 'T-audit', partitions: 2 }],
  ]);
  settings = { ...DEFAULT_BROKER_SETTINGS };
  writeRecords(_g: string, records: GroupRecord[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }
  reschedule(): void {}
  topicPartitionCount(topic: string) {
    return this.topics.get(topic) ?? null;
  }
  topicNameOf(id: string) {
    return [...this.topics].find(([, t]) => t.topicId === id)?.[0] ?? null;
  }
  allTopicNames() {
    return [...this.topics.keys()];
  }
}

function hb(over: Partial<ConsumerHeartbeatRequest>): ConsumerHeartbeatRequest {
  return {
    version: 1,
    memberId: 'm1',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30000,
    subscribedTopicNames: ['orders'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
    clientId: 'c',
    clientHost: '/127.0.0.1',
    ...over,
  };
}

const count = (a: { partitions: number[] }[] | null) => (a ?? []).reduce((n, t) => n + t.partitions.length, 0);

describe('ConsumerGroup', () => {
  test('first member gets everything; a second member gets half once the first revokes', async () => {
    const host = new FakeHost();
    const g = new ConsumerGroup('g', host, 0);
    const a = await g.heartbeat(hb({ memberId: 'a' }), 0);
    expect(a.errorCode).toBe(0);
    expect(a.memberEpoch).toBe(1);
    expect(count(a.assignment)).toBe(6);

    const b = await g.heartbeat(hb({ memberId: 'b' }), 10);
    expect(b.memberEpoch).toBe(2);
    // b's target partitions are still owned by a: nothing yet.
    expect(count(b.assignment)).toBe(0);
    expect(g.state).toBe('Reconciling');

    // a learns it must give up three partitions; its epoch stays until it has.
    const a2 = await g.heartbeat(hb({ memberId: 'a', memberEpoch: 1, topicPartitions: a.assignment, subscribedTopicNames: null }), 20);
    expect(a2.memberEpoch).toBe(1);
    expect(count(a2.assignment)).toBe(3);
    expect(g.members.get('a')!.state).toBe(MemberState.UNREVOKED_PARTITIONS);

    // a reports it now owns only three: it moves to the new epoch, and b can take the released ones.
    const a3 = await g.heartbeat(hb({ memberId: 'a', memberEpoch: 1, topicPartitions: a2.assignment, subscribedTopicNames: null }), 30);
    expect(a3.memberEpoch).toBe(2);
    const b2 = await g.heartbeat(hb({ memberId: 'b', memberEpoch: 2, topicPartitions: [], subscribedTopicNames: null }), 40);
    expect(count(b2.assignment)).toBe(3);
    expect(g.state).toBe('Stable');
    const owned = new Set([...a3.assignment!, ...b2.assignment!].flatMap((t) => t.partitions));
    expect(owned.size).toBe(6);
  });

  test('epochs: a stale epoch is fenced; a lost response (previous epoch) is forgiven', async () => {
    const host = new FakeHost();
    const g = new ConsumerGroup('g', host, 0);
    const a = await g.heartbeat(hb({ memberId: 'a' }), 0);
    expect((await g.heartbeat(hb({ memberId: 'a', memberEpoch: 7, topicPartitions: a.assignment, subscribedTopicNames: null }), 1)).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect((await g.heartbeat(hb({ memberId: 'a', memberEpoch: 0, topicPartitions: [], subscribedTopicNames: null }), 1)).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await g.heartbeat(hb({ memberId: 'zz', memberEpoch: 3, subscribedTopicNames: null }), 1)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await g.heartbeat(hb({ memberId: 'q', serverAssignor: 'sticky' }), 1)).errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
    expect((await g.heartbeat(hb({ memberId: '' }), 1)).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await g.heartbeat(hb({ memberId: 'a', memberEpoch: 1, topicPartitions: a.assignment, subscribedTopicNames: null }), 2)).errorCode).toBe(0);
  });

  test('leave and session expiry remove members and bump the group epoch; the rest take over', async () => {
    const host = new FakeHost();
    const g = new ConsumerGroup('g', host, 0);
    await g.heartbeat(hb({ memberId: 'a' }), 0);
    await g.heartbeat(hb({ memberId: 'b' }), 0);
    const epoch = g.groupEpoch;
    const left = await g.heartbeat(hb({ memberId: 'b', memberEpoch: -1, subscribedTopicNames: null, topicPartitions: null }), 5);
    expect(left.memberEpoch).toBe(-1);
    expect(g.groupEpoch).toBe(epoch + 1);
    expect(g.members.has('b')).toBe(false);
    await g.heartbeat(hb({ memberId: 'c' }), 10);
    const session = host.settings['group.consumer.session.timeout.ms'];
    g.tick(session - 1);
    expect(g.members.size).toBe(2);
    // a last heartbeated at 0: its session ends at 45 s, c's ten milliseconds later.
    g.tick(session);
    expect(g.members.has('a')).toBe(false);
    const c = await g.heartbeat(hb({ memberId: 'c', memberEpoch: g.members.get('c')!.memberEpoch, topicPartitions: [], subscribedTopicNames: null }), 20);
    expect(count(c.assignment)).toBe(6);
  });

  test('replay from the written records restores epochs, members and assignments', async () => {
    const host = new FakeHost();
    const g = new ConsumerGroup('g', host, 0);
    const a = await g.heartbeat(hb({ memberId: 'a', subscribedTopicNames: ['orders', 'audit'] }), 0);
    const r = ConsumerGroup.replay('g', host.records, host, 100)!;
    expect(r.groupEpoch).toBe(g.groupEpoch);
    expect(r.assignmentEpoch).toBe(g.assignmentEpoch);
    expect(ConsumerGroup.toList(r.members.get('a')!.assigned)).toEqual(a.assignment);
    expect(r.members.get('a')!.subscribedTopicNames).toEqual(['orders', 'audit']);
    // A deleted group does not come back.
    expect(ConsumerGroup.replay('g', [...host.records, ...g.tombstones()], host, 100)).toBeNull();
  });

  test('new partitions of a subscribed topic trigger a new target', async () => {
    const host = new FakeHost();
    const g = new ConsumerGroup('g', host, 0);
    const a = await g.heartbeat(hb({ memberId: 'a' }), 0);
    host.topics.set('orders', { topicId: 'T-orders', partitions: 8 });
    const a2 = await g.heartbeat(hb({ memberId: 'a', memberEpoch: a.memberEpoch, topicPartitions: a.assignment, subscribedTopicNames: null }), 5);
    expect(a2.memberEpoch).toBe(a.memberEpoch + 1);
    expect(count(a2.assignment)).toBe(8);
  });
});

describe('server assignors', () => {
  const topics = new Map([
    ['A', { topicId: 'A', partitions: 5 }],
    ['B', { topicId: 'B', partitions: 2 }],
  ]);
  test('range gives contiguous ranges per topic, extras to the first members', () => {
    const out = rangeAssign(
      [
        { memberId: 'm2', topics: ['A'], current: new Map() },
        { memberId: 'm1', topics: ['A', 'B'], current: new Map() },
      ],
      topics,
    );
    expect([...out.get('m1')!.get('A')!]).toEqual([0, 1, 2]);
    expect([...out.get('m2')!.get('A')!]).toEqual([3, 4]);
    expect([...out.get('m1')!.get('B')!]).toEqual([0, 1]);
  });
  test('uniform balances within one partition and keeps current owners', () => {
    const out = uniformAssign(
      [
        { memberId: 'x', topics: ['A', 'B'], current: new Map([['A', new Set([0, 1, 2, 3, 4])]]) },
        { memberId: 'y', topics: ['A', 'B'], current: new Map() },
      ],
      topics,
    );
    const nx = [...out.get('x')!.values()].reduce((n, s) => n + s.size, 0);
    const ny = [...out.get('y')!.values()].reduce((n, s) => n + s.size, 0);
    expect(Math.abs(nx - ny)).toBeLessThanOrEqual(1);
    expect(nx + ny).toBe(7);
    // x keeps partitions it already had (sticky), up to its share.
    for (const p of out.get('x')!.get('A') ?? []) expect([0, 1, 2, 3, 4]).toContain(p);
  });
});
