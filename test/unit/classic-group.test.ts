// The classic group state machine with a fake clock and an in-memory host: joins, MEMBER_ID_REQUIRED,
// delayed initial rebalance, sync, heartbeats, expiry, leave, static membership, persistence round trip.
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../worker/protocol/errors.js';
import type { GroupMetadataValue } from '../../worker/protocol/generated/index.js';
import { ClassicGroup, type GroupConfig, type GroupHost, type JoinRequest } from '../../worker/broker/coordinator/group/classic-group.js';

class FakeHost implements GroupHost {
  now = 1_000_000;
  persisted: (GroupMetadataValue | null)[] = [];
  private n = 0;
  failPersist = false;
  persist(_g: ClassicGroup, value: GroupMetadataValue | null): Promise<void> {
    if (this.failPersist) return Promise.reject(new Error('disk full'));
    this.persisted.push(value);
    return Promise.resolve();
  }
  reschedule(): void {}
  newMemberId(clientId: string): string {
    return `${clientId}-${++this.n}`;
  }
}

const config: GroupConfig = { initialRebalanceDelayMs: 3000, minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 300000, maxSize: 100 };

function join(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 30000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    clientId: 'c',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: true,
    ...over,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

async function settled<T>(p: Promise<T>): Promise<T | 'pending'> {
  let v: T | 'pending' = 'pending';
  void p.then((x) => (v = x));
  await tick();
  return v;
}

describe('ClassicGroup', () => {
  test('MEMBER_ID_REQUIRED, then the delayed initial rebalance completes a first generation', async () => {
    const host = new FakeHost();
    const g = new ClassicGroup('g', config, host, host.now);
    const first = await g.join(join(), host.now);
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const a = g.join(join({ memberId: first.memberId }), host.now);
    expect(await settled(a)).toBe('pending');
    expect(g.state).toBe('PreparingRebalance');
    // A second member joins during the delay: the delay is extended.
    const second = await g.join(join({ clientId: 'd' }), host.now);
    const b = g.join(join({ memberId: second.memberId, clientId: 'd' }), host.now + 1000);
    g.tick(host.now + 3000);
    expect(await settled(a)).toBe('pending');
    g.tick(host.now + 6000);
    const ra = (await a)!;
    const rb = (await b)!;
    expect(ra.errorCode).toBe(0);
    expect(ra.generationId).toBe(1);
    expect(ra.leader).toBe(first.memberId);
    expect(ra.members.map((m) => m.memberId).sort()).toEqual([first.memberId, second.memberId].sort());
    expect(rb.members).toEqual([]);
    expect(g.state).toBe('CompletingRebalance');
  });

  test('sync: followers wait for the leader; the assignment is persisted first; then Stable', async () => {
    const host = new FakeHost();
    const g = new ClassicGroup('g', { ...config, initialRebalanceDelayMs: 0 }, host, host.now);
    const j1 = await g.join(join({ requireKnownMemberId: false }), host.now);
    expect(j1.generationId).toBe(1);
    const follower = g.sync({ memberId: j1.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }, host.now);
    expect((await follower).assignment.toString()).toBe('');
    const j2p = g.join(join({ requireKnownMemberId: false, clientId: 'x' }), host.now);
    // The existing member must rejoin for the new generation.
    expect(g.heartbeat({ memberId: j1.memberId, groupInstanceId: null, generationId: 1 }, host.now)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const j1b = g.join(join({ memberId: j1.memberId, requireKnownMemberId: false }), host.now);
    const [r1, r2] = await Promise.all([j1b, j2p]);
    expect(r1.generationId).toBe(2);
    const s2 = g.sync({ memberId: r2.memberId, groupInstanceId: null, generationId: 2, protocolType: 'consumer', protocolName: 'range', assignments: [] }, host.now);
    expect(await settled(s2)).toBe('pending');
    const s1 = g.sync(
      {
        memberId: r1.memberId,
        groupInstanceId: null,
        generationId: 2,
        protocolType: null,
        protocolName: null,
        assignments: [
          { memberId: r1.memberId, assignment: Buffer.from('A') },
          { memberId: r2.memberId, assignment: Buffer.from('B') },
        ],
      },
      host.now,
    );
    expect((await s1).assignment.toString()).toBe('A');
    expect((await s2).assignment.toString()).toBe('B');
    expect(g.state).toBe('Stable');
    const stored = host.persisted.at(-1)!;
    expect(stored.generation).toBe(2);
    expect(stored.members.map((m) => m.assignment.toString()).sort()).toEqual(['A', 'B']);
    // A stale generation and an unknown member are refused.
    expect(g.heartbeat({ memberId: r1.memberId, groupInstanceId: null, generationId: 1 }, host.now)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(g.heartbeat({ memberId: 'nobody', groupInstanceId: null, generationId: 2 }, host.now)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // The group survives a reload from its record.
    const loaded = ClassicGroup.fromRecord('g', stored, config, host, host.now);
    expect(loaded.state).toBe('Stable');
    expect(loaded.generationId).toBe(2);
    expect(loaded.heartbeat({ memberId: r2.memberId, groupInstanceId: null, generationId: 2 }, host.now)).toBe(0);
  });

  test('session expiry removes a silent member and rebalances the rest', async () => {
    const host = new FakeHost();
    const g = new ClassicGroup('g', { ...config, initialRebalanceDelayMs: 0 }, host, host.now);
    const a = g.join(join({ requireKnownMemberId: false }), host.now);
    const ra = await a;
    await g.sync({ memberId: ra.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }, host.now);
    const rb = g.join(join({ requireKnownMemberId: false, clientId: 'b' }), host.now);
    const ra2 = g.join(join({ memberId: ra.memberId, requireKnownMemberId: false }), host.now);
    const [x, y] = await Promise.all([ra2, rb]);
    const follower = x.memberId === x.leader ? y : x;
    const followerSync = g.sync({ memberId: follower.memberId, groupInstanceId: null, generationId: 2, protocolType: null, protocolName: null, assignments: [] }, host.now);
    await g.sync({ memberId: x.leader, groupInstanceId: null, generationId: 2, protocolType: null, protocolName: null, assignments: [] }, host.now);
    await followerSync;
    expect(g.state).toBe('Stable');
    // Only the leader heartbeats; the other member's session (10 s) runs out.
    g.heartbeat({ memberId: x.leader, groupInstanceId: null, generationId: 2 }, host.now + 9000);
    g.tick(host.now + 10_001);
    expect(g.members.size).toBe(1);
    expect(g.state).toBe('PreparingRebalance');
    const again = await g.join(join({ memberId: x.leader, requireKnownMemberId: false }), host.now + 10_002);
    expect(again.generationId).toBe(3);
    expect(again.members).toHaveLength(1);
  });

  test('leave of the last member empties the group and persists it', async () => {
    const host = new FakeHost();
    const g = new ClassicGroup('g', { ...config, initialRebalanceDelayMs: 0 }, host, host.now);
    const r = await g.join(join({ requireKnownMemberId: false }), host.now);
    await g.sync({ memberId: r.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }, host.now);
    expect(g.leave([{ memberId: r.memberId, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }], host.now)).toEqual([0, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(g.state).toBe('Empty');
    expect(host.persisted.at(-1)!.members).toEqual([]);
  });

  test('static members: a restart with the same instance id keeps the assignment; the old id is fenced', async () => {
    const host = new FakeHost();
    const g = new ClassicGroup('g', { ...config, initialRebalanceDelayMs: 0 }, host, host.now);
    const r = await g.join(join({ groupInstanceId: 'i-1' }), host.now);
    expect(r.errorCode).toBe(0); // static members skip MEMBER_ID_REQUIRED
    await g.sync({ memberId: r.memberId, groupInstanceId: 'i-1', generationId: 1, protocolType: null, protocolName: null, assignments: [{ memberId: r.memberId, assignment: Buffer.from('P') }] }, host.now);
    const again = await g.join(join({ groupInstanceId: 'i-1' }), host.now);
    expect(again.errorCode).toBe(0);
    expect(again.memberId).not.toBe(r.memberId);
    expect(again.generationId).toBe(1);
    expect(g.state).toBe('Stable');
    expect(g.heartbeat({ memberId: r.memberId, groupInstanceId: 'i-1', generationId: 1 }, host.now)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const s = await g.sync({ memberId: again.memberId, groupInstanceId: 'i-1', generationId: 1, protocolType: null, protocolName: null, assignments: [] }, host.now);
    expect(s.assignment.toString()).toBe('P');
  });

  test('validation: session timeout bounds, missing protocols, incompatible protocol types', async () => {
    const host = new FakeHost();
    const g = new ClassicGroup('g', { ...config, initialRebalanceDelayMs: 0 }, host, host.now);
    expect((await g.join(join({ sessionTimeoutMs: 10 }), host.now)).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await g.join(join({ protocols: [] }), host.now)).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    await g.join(join({ requireKnownMemberId: false }), host.now);
    expect((await g.join(join({ protocolType: 'connect' }), host.now)).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await g.join(join({ protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }), host.now)).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  test('a failed persist of the assignment fails the sync and starts a new rebalance', async () => {
    const host = new FakeHost();
    const g = new ClassicGroup('g', { ...config, initialRebalanceDelayMs: 0 }, host, host.now);
    const r = await g.join(join({ requireKnownMemberId: false }), host.now);
    host.failPersist = true;
    const s = await g.sync({ memberId: r.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }, host.now);
    expect(s.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(g.state).toBe('PreparingRebalance');
  });
});
