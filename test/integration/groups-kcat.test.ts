// kcat -G (librdkafka 2.0.2's balanced consumer, classic protocol) against a 3-broker Eddy over real TCP:
//   - three kcat processes in one group over a 6-partition topic: every record consumed exactly once, each
//     partition consumed by exactly one process (the one DescribeGroups says owns it), and after a clean stop
//     (SIGTERM: kcat closes the consumer, committing its offsets and leaving) the group's committed offsets are
//     the end offsets and the group is Empty;
//   - cooperative-sticky (incremental rebalancing): two kcat members, a third joins, one of the first leaves,
//     records arrive all along; nothing is lost, redeliveries are only rewinds to committed offsets, and the final
//     commits are the end offsets.
// Records are produced with the raw protocol client; kcat prints "partition offset" per record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { tool } from '../helpers/tools';
import { waitFor } from '../helpers/wait';
import { committed, coverage, createTopic, describeGroup, endOffsets, FAST_GROUPS, produce, roundRobin, waitForStableGroup } from './groups/common';
import { startProc, type Proc } from './groups/proc';

const kcat = tool('kcat', 'kcat', ['-V']);

function kcatMember(bootstrap: string, group: string, topic: string, name: string, extra: string[] = []): Proc {
  return startProc('kcat', [
    '-b', bootstrap,
    '-G', group, topic,
    '-u', // unbuffered output
    '-q',
    '-f', '%p %o\\n',
    '-X', `client.id=${name}`,
    '-X', 'auto.offset.reset=earliest',
    '-X', 'session.timeout.ms=6000',
    '-X', 'heartbeat.interval.ms=500',
    '-X', 'auto.commit.interval.ms=500',
    '-X', 'fetch.wait.max.ms=100',
    ...extra,
  ]);
}

function consumed(p: Proc): [number, number][] {
  return p.lines.filter((l) => /^\d+ \d+$/.test(l)).map((l) => l.split(' ').map(Number) as [number, number]);
}

describe.skipIf(!kcat.available)('kcat -G (librdkafka 2.0.2) balanced consumers against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let bootstrap: string;
  const procs: Proc[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0, config: FAST_GROUPS });
    bootstrap = cluster.bootstrapServers;
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await cluster?.stop();
  });

  it('3 kcat members: every record once, each partition owned by exactly one member, offsets committed on a clean stop', async () => {
    const topic = 'kcat-g';
    const group = 'kcat-group';
    await createTopic(bootstrap, topic, 6);
    const members = ['kcat-a', 'kcat-b', 'kcat-c'].map((n) => kcatMember(bootstrap, group, topic, n));
    procs.push(...members);
    const stable = await waitForStableGroup(bootstrap, group, topic, 3, 6, 45_000);
    expect(stable.protocolType).toBe('consumer');
    expect(stable.protocol).toBe('range');

    await produce(bootstrap, topic, roundRobin(topic, 6, 30_000));
    const ends = await endOffsets(bootstrap, topic);
    const all = () => members.flatMap(consumed);
    await waitFor(() => all().length >= 30_000, { timeoutMs: 60_000, what: `30,000 records (have ${all().length})` });

    const cov = coverage(all(), ends);
    expect(cov.gaps).toEqual([]);
    expect(cov.duplicates).toEqual([]);
    // Each partition consumed by exactly one kcat, the one the group assigned it to.
    const byClient = new Map(stable.members.map((m) => [m.clientId, m.assignment[topic]!]));
    members.forEach((p, i) => {
      const partitions = [...new Set(consumed(p).map(([part]) => part))].sort();
      expect(partitions, `kcat-${'abc'[i]}`).toEqual(byClient.get(`kcat-${'abc'[i]}`));
      expect(partitions).toHaveLength(2);
    });

    // SIGTERM: kcat closes its consumer (final commit + LeaveGroup) and exits 0.
    const codes = await Promise.all(members.map((p) => p.stop('SIGTERM')));
    expect(codes).toEqual([0, 0, 0]);
    expect(await committed(bootstrap, group, topic, 6)).toEqual(ends);
    const after = await describeGroup(bootstrap, group);
    expect(after.state).toBe('Empty');
    expect(after.members).toEqual([]);
  }, 120_000);

  it('cooperative-sticky: a member joins and another leaves while records arrive; nothing lost, final commits at the end', async () => {
    const topic = 'kcat-coop';
    const group = 'kcat-coop-group';
    await createTopic(bootstrap, topic, 6);
    const coop = ['-X', 'partition.assignment.strategy=cooperative-sticky'];
    const a = kcatMember(bootstrap, group, topic, 'kcat-a', coop);
    const b = kcatMember(bootstrap, group, topic, 'kcat-b', coop);
    procs.push(a, b);
    const two = await waitForStableGroup(bootstrap, group, topic, 2, 6, 45_000);
    expect(two.protocol).toBe('cooperative-sticky');

    await produce(bootstrap, topic, roundRobin(topic, 6, 6000, (p, i) => `1/${p}/${i}`));
    const c = kcatMember(bootstrap, group, topic, 'kcat-c', coop);
    procs.push(c);
    await produce(bootstrap, topic, roundRobin(topic, 6, 6000, (p, i) => `2/${p}/${i}`), 200);
    const three = await waitForStableGroup(bootstrap, group, topic, 3, 6, 45_000);
    // Sticky: the joiner took 2 partitions, the first two kept 2 of their 3 each.
    for (const m of three.members) expect(m.assignment[topic]).toHaveLength(2);
    for (const old of ['kcat-a', 'kcat-b']) {
      const before = two.members.find((m) => m.clientId === old)!.assignment[topic]!;
      const now = three.members.find((m) => m.clientId === old)!.assignment[topic]!;
      expect(now.every((p) => before.includes(p)), `${old} kept its partitions`).toBe(true);
    }

    expect(await a.stop('SIGTERM')).toBe(0);
    await produce(bootstrap, topic, roundRobin(topic, 6, 6000, (p, i) => `3/${p}/${i}`), 200);
    const ends = await endOffsets(bootstrap, topic);
    await waitForStableGroup(bootstrap, group, topic, 2, 6, 45_000);
    const all = () => [a, b, c].flatMap(consumed);
    await waitFor(() => coverage(all(), ends).gaps.length === 0, { timeoutMs: 60_000, what: `all 18,000 records (have ${all().length})` });
    const cov = coverage(all(), ends);
    console.log(`kcat cooperative-sticky: ${cov.total} deliveries for 18,000 records, ${cov.duplicates.length} redelivered`);
    expect(cov.gaps).toEqual([]);
    expect(cov.duplicates.length).toBeLessThan(6000);

    expect(await Promise.all([b.stop('SIGTERM'), c.stop('SIGTERM')])).toEqual([0, 0]);
    expect(await committed(bootstrap, group, topic, 6)).toEqual(ends);
  }, 150_000);
});
