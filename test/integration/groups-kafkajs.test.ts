// kafkajs 2.2.4 consumer groups (classic protocol: JoinGroup v5, SyncGroup v3, Heartbeat v3, OffsetCommit v5,
// OffsetFetch v4, LeaveGroup v3 as kafkajs negotiates them) against a 3-broker Eddy over real TCP:
//   - 3 members over a 6-partition topic consume 100,000 records exactly once overall, each partition owned by
//     exactly one member, and the group commits every end offset;
//   - a member leaves gracefully mid-stream: the group rebalances and the other two finish with no gap, every
//     redelivery being a rewind to a committed offset after a partition changed hands;
//   - a member running in a child process is killed with SIGKILL: no LeaveGroup, so only the session timeout
//     removes it; the survivors then take its partitions over and consume what was produced after the kill.
// Records are produced with the raw protocol client, and checked against the end offsets (ListOffsets) and the
// committed offsets (OffsetFetch) read with the raw client too.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { tool } from '../helpers/tools';
import { waitFor } from '../helpers/wait';
import { committed, coverage, createTopic, describeGroup, endOffsets, FAST_GROUPS, produce, roundRobin, waitForStableGroup } from './groups/common';

const require = createRequire(import.meta.url);
const resolved = (() => {
  try {
    return require.resolve('kafkajs');
  } catch {
    return 'kafkajs';
  }
})();
const kafkajs = tool('kafkajs', process.execPath, ['-e', `require(${JSON.stringify(resolved)})`]);
const { Kafka, logLevel } = (kafkajs.available ? require('kafkajs') : {}) as typeof import('kafkajs');
type Consumer = import('kafkajs').Consumer;

const CHILD = fileURLToPath(new URL('./groups/kafkajs-member.cjs', import.meta.url));
const SESSION_MS = 3000;
// kafkajs heartbeats from its fetch loop, so its fetch wait (maxWaitTimeInMs, default 5 s) must stay well below
// the session timeout, or an idle member misses its session (with Kafka as with Eddy).

/** What the members of one group consumed, in arrival order: [member, partition, offset]. */
class Log {
  readonly events: [string, number, number][] = [];
  add(member: string, partition: number, offsets: number[]): void {
    for (const o of offsets) this.events.push([member, partition, o]);
  }
  count(member?: string): number {
    return member ? this.events.filter((e) => e[0] === member).length : this.events.length;
  }
  pairs(): [number, number][] {
    return this.events.map(([, p, o]) => [p, o]);
  }
  ownersOf(partition: number): Set<string> {
    return new Set(this.events.filter((e) => e[1] === partition).map((e) => e[0]));
  }
  /**
   * Per partition, the consumption split into runs (same member, consecutive offsets). At-least-once means:
   * within a run no gap, and a new run starts at or before the previous run's end + 1 (a rewind to the committed
   * offset, never a skip). Returns the violations.
   */
  runViolations(): string[] {
    const bad: string[] = [];
    const last = new Map<number, { member: string; offset: number; maxSeen: number }>();
    for (const [member, p, o] of this.events) {
      const prev = last.get(p);
      if (prev) {
        const sameRun = prev.member === member && o === prev.offset + 1;
        if (!sameRun && o > prev.maxSeen + 1) bad.push(`partition ${p}: ${member} jumped to ${o} after ${prev.member} reached ${prev.maxSeen}`);
      } else if (o !== 0) bad.push(`partition ${p}: first record consumed is ${o}, not 0`);
      last.set(p, { member, offset: o, maxSeen: Math.max(prev?.maxSeen ?? -1, o) });
    }
    return bad;
  }
}

describe.skipIf(!kafkajs.available)('kafkajs 2.2.4 consumer groups against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let bootstrap: string;
  let kafka: import('kafkajs').Kafka;
  const consumers: Consumer[] = [];
  const children: ChildProcess[] = [];

  async function member(groupId: string, topic: string, name: string, log: Log): Promise<Consumer> {
    const c = kafka.consumer({ groupId, sessionTimeout: SESSION_MS, heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 250 });
    consumers.push(c);
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        for (const m of batch.messages) resolveOffset(m.offset);
        log.add(name, batch.partition, batch.messages.map((m) => Number(m.offset)));
        await heartbeat();
      },
    });
    return c;
  }

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0, config: FAST_GROUPS });
    bootstrap = cluster.bootstrapServers;
    kafka = new Kafka({ clientId: 'kjs-groups', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
  });

  afterAll(async () => {
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGKILL');
    await Promise.allSettled(consumers.map((c) => c.disconnect()));
    await cluster?.stop();
  });

  describe('a group of 3 over a 6-partition topic', () => {
    const topic = 'kjs-group-t';
    const group = 'kjs-group';
    const log = new Log();
    const members: Consumer[] = [];

    beforeAll(async () => {
      await createTopic(bootstrap, topic, 6);
    });

    it('consumes 100,000 records exactly once overall; each partition has one owner; every end offset is committed', async () => {
      for (const name of ['a', 'b', 'c']) members.push(await member(group, topic, name, log));
      const stable = await waitForStableGroup(bootstrap, group, topic, 3, 6);
      expect(stable.protocolType).toBe('consumer');
      for (const m of stable.members) expect(m.assignment[topic]).toHaveLength(2);

      const started = Date.now();
      await produce(bootstrap, topic, roundRobin(topic, 6, 100_000));
      const ends = await endOffsets(bootstrap, topic);
      expect(ends.reduce((a, b) => a + b, 0)).toBe(100_000);
      await waitFor(() => log.count() >= 100_000, { timeoutMs: 90_000, what: `100,000 records (have ${log.count()})` });
      console.log(`kafkajs: 3 members consumed 100,000 records in ${Date.now() - started} ms`);

      const cov = coverage(log.pairs(), ends);
      expect(cov.gaps).toEqual([]);
      expect(cov.duplicates).toEqual([]);
      expect(cov.total).toBe(100_000);
      for (let p = 0; p < 6; p++) expect(log.ownersOf(p).size, `owners of partition ${p}`).toBe(1);
      // Each member consumed the partitions the group assigned it.
      for (const m of (await describeGroup(bootstrap, group)).members) expect(m.assignment[topic]).toHaveLength(2);
      await waitFor(async () => JSON.stringify(await committed(bootstrap, group, topic, 6)) === JSON.stringify(ends), { timeoutMs: 20_000, what: 'committed offsets at the end offsets' });
    }, 150_000);

    it('a member leaves mid-stream: the group rebalances to 2 members, which finish with no gap (redelivery only as rewinds)', async () => {
      const before = log.count();
      const leaver = 'c';
      const assignedBefore = (await describeGroup(bootstrap, group)).members.map((m) => m.assignment[topic]!);
      const leaverBefore = log.count(leaver);
      await produce(bootstrap, topic, roundRobin(topic, 6, 12_000, (p, i) => `second/${p}/${i}`));
      await waitFor(() => log.count(leaver) >= leaverBefore + 500, { timeoutMs: 30_000, what: 'the leaving member consuming new records' });
      // The leave (commit, then LeaveGroup) and the rebalance it starts overlap with 18,000 more records arriving.
      const leftAt = Date.now();
      const leaving = members[2]!.disconnect();
      await produce(bootstrap, topic, roundRobin(topic, 6, 18_000, (p, i) => `third/${p}/${i}`), 500);
      await leaving;
      const ends = await endOffsets(bootstrap, topic);
      const after = await waitForStableGroup(bootstrap, group, topic, 2, 6, 30_000);
      console.log(`kafkajs: rebalance after a graceful leave took ${Date.now() - leftAt} ms`);
      expect(after.members.map((m) => m.assignment[topic]!.length).sort()).toEqual([3, 3]);
      expect(assignedBefore.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);

      await waitFor(() => coverage(log.pairs(), ends).gaps.length === 0, { timeoutMs: 60_000, what: `all 130,000 records (have ${log.count()})` });
      const cov = coverage(log.pairs(), ends);
      console.log(`kafkajs: after the leave, ${log.count() - before} records consumed for 30,000 produced; ${cov.duplicates.length} redelivered`);
      expect(cov.gaps).toEqual([]);
      // The leaver's partitions were finished by the others.
      const leaverOwned = [...new Set(log.events.filter(([m]) => m === leaver).map(([, p]) => p))];
      for (const p of leaverOwned) expect([...log.ownersOf(p)].filter((m) => m !== leaver).length, `partition ${p} taken over`).toBeGreaterThan(0);
      expect(log.runViolations()).toEqual([]);
      // Redeliveries are bounded by what was consumed but not yet committed when partitions moved.
      expect(cov.duplicates.length).toBeLessThan(30_000);
      await waitFor(async () => JSON.stringify(await committed(bootstrap, group, topic, 6)) === JSON.stringify(ends), { timeoutMs: 20_000, what: 'committed offsets at the end offsets' });
    }, 120_000);
  });

  it('a member killed with SIGKILL: the session timeout removes it and the survivors take over its partitions', async () => {
    const topic = 'kjs-kill-t';
    const group = 'kjs-kill';
    await createTopic(bootstrap, topic, 6);
    const log = new Log();
    await member(group, topic, 'a', log);
    await member(group, topic, 'b', log);

    const child = spawn(process.execPath, [CHILD, bootstrap, group, topic, String(SESSION_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let childErr = '';
    let buffered = '';
    let childAssignment: number[] = [];
    child.stderr!.on('data', (d: Buffer) => (childErr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const msg = JSON.parse(line);
        if (msg.joined) childAssignment = msg.joined[topic] ?? [];
        if (msg.batch) log.add('child', msg.batch[0], msg.batch[1]);
      }
    });

    const stable = await waitForStableGroup(bootstrap, group, topic, 3, 6, 45_000);
    const childMember = stable.members.find((m) => m.clientId === 'kjs-child')!;
    expect(childMember, `child in ${JSON.stringify(stable.members)}; stderr ${childErr}`).toBeDefined();
    const childPartitions = childMember.assignment[topic]!;
    expect(childPartitions).toHaveLength(2);

    await produce(bootstrap, topic, roundRobin(topic, 6, 6000));
    await waitFor(() => log.count() >= 6000, { timeoutMs: 30_000, what: `first 6,000 records (have ${log.count()})` });
    expect(childAssignment.sort()).toEqual(childPartitions);
    expect(log.count('child')).toBe(2000);

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Right after the kill the member is still in the group: only its session timeout can remove it.
    const right = await describeGroup(bootstrap, group);
    expect(right.members).toHaveLength(3);

    await produce(bootstrap, topic, roundRobin(topic, 6, 6000, (p, i) => `after-kill/${p}/${i}`));
    const ends = await endOffsets(bootstrap, topic);
    const after = await waitForStableGroup(bootstrap, group, topic, 2, 6, 45_000);
    const took = Date.now() - killedAt;
    console.log(`kafkajs: the killed member was removed and partitions reassigned ${took} ms after SIGKILL (session timeout ${SESSION_MS} ms)`);
    expect(took).toBeGreaterThanOrEqual(SESSION_MS - 500);
    expect(after.members.map((m) => m.clientId)).not.toContain('kjs-child');

    await waitFor(() => coverage(log.pairs(), ends).gaps.length === 0, { timeoutMs: 60_000, what: `all 12,000 records (have ${log.count()})` });
    const cov = coverage(log.pairs(), ends);
    expect(cov.gaps).toEqual([]);
    expect(log.runViolations()).toEqual([]);
    // The survivors consumed the records produced after the kill on the killed member's partitions.
    for (const p of childPartitions) {
      const taken = log.events.filter(([m, pp, o]) => pp === p && m !== 'child' && o >= 1000);
      expect(taken.length, `partition ${p} after the kill`).toBeGreaterThanOrEqual(1000);
    }
    // Redelivered: at most what the child had consumed (its last commit may not have landed before the kill).
    expect(cov.duplicates.length).toBeLessThanOrEqual(2000);
    for (const d of cov.duplicates) expect(childPartitions).toContain(Number(d.split('@')[0]));
  }, 150_000);
});
