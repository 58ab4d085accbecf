// Consumer groups: how long a new 3-member group takes to get its first assignment (rebalance-3), and how
// many offset commits the coordinators take per second (commits-per-s). group.initial.rebalance.delay.ms is
// 3000 on both systems (Kafka's and Eddy's default; COMMON_SETTINGS gives it back to kafka.sh's Kafka).
import { createTopics, supportsConsumerGroups } from '../lib/admin.js';
import { librdkafkaVersion, rdkafkaGroup } from '../lib/clients.js';
import { commitThroughput } from '../lib/commits.js';
import type { Context } from '../lib/context.js';
import { round } from '../lib/results.js';
import { COMMON_SETTINGS, type Cluster, type SystemName } from '../lib/systems.js';

const TOPIC = 'bench-groups';
const PARTITIONS = 6;
const MEMBERS = 3;
export const INITIAL_DELAY_MS = Number(COMMON_SETTINGS['group.initial.rebalance.delay.ms']);

/** Commit clients: one consumer pipelining (the per-client rate), and many consumers (the coordinators' rate). */
export const COMMIT_VARIANTS = [
  { name: 'commits-per-s', clients: 1, window: 64, what: '1 client (one connection) with 64 commits in flight' },
  { name: 'commits-per-s-16-clients', clients: 16, window: 16, what: '16 clients (16 groups, 16 connections to their coordinators), 16 commits in flight each' },
];

async function rebalance(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>): Promise<void> {
  const s = ctx.scenario({
    name: 'rebalance-3',
    title: `new group of ${MEMBERS} consumers (classic protocol), ${PARTITIONS} partitions: first subscribe() → all ${MEMBERS} members hold their assignment; group.initial.rebalance.delay.ms=${INITIAL_DELAY_MS} on both`,
    client: `librdkafka ${librdkafkaVersion()} (C), ${MEMBERS} consumers in one process`,
    unit: 'ms',
    higherIsBetter: false,
    note: `both coordinators extend the initial delay once more when members join during it (Kafka's InitialDelayedJoin), so ~2 × ${INITIAL_DELAY_MS} ms is the floor for members that subscribe together; "beyond delays" = time − 2 × delay`,
  });
  s.details = [
    { key: 'firstAssignedMs', label: 'rebalance: first subscribe() → first member assigned, ms' },
    { key: 'beyondDelaysMs', label: `rebalance: time − 2 × ${INITIAL_DELAY_MS} ms (the coordinator and client work), ms` },
  ];
  await ctx.interleave(s, clusters, async (c, rep, onSpawn) => {
    const r = await rdkafkaGroup(c.bootstrap, TOPIC, `bench-rebalance-${rep}-${Date.now()}`, MEMBERS, {}, onSpawn);
    return {
      value: round(r.all_assigned_ms, 1),
      extra: { firstAssignedMs: round(r.first_assigned_ms, 1), beyondDelaysMs: round(r.all_assigned_ms - 2 * INITIAL_DELAY_MS, 1), rebalanceCallbacks: r.rebalances },
    };
  });
}

async function commits(ctx: Context, clusters: Partial<Record<SystemName, Cluster>>): Promise<void> {
  for (const v of COMMIT_VARIANTS) {
    if (!ctx.wants(v.name)) continue;
    const s = ctx.scenario({
      name: v.name,
      title: `offset commits for ${ctx.sizes.commitSeconds} s: ${v.what}; a commit = one OffsetCommit (v8) of one partition's offset, generation -1 (assign()-mode consumer), answered without error`,
      client: 'raw protocol (Node), pre-encoded requests',
      unit: 'commits/s',
      higherIsBetter: true,
      note: 'Kafka handles one request per connection at a time: a single client is bound by the commit latency',
    });
    await ctx.interleave(s, clusters, async (c, rep, onSpawn) => {
      onSpawn(process.pid); // the client runs in the bench process
      const r = await commitThroughput(c.ports[0]!, `bench-commits-${v.clients}-${rep}-${Date.now()}`, TOPIC, PARTITIONS, v.clients, v.window, ctx.sizes.commitSeconds);
      if (r.errors) throw new Error(`${r.errors} commits failed (first error ${r.firstError})`);
      return {
        value: Math.round(r.commits / r.seconds),
        latency: { p50: round(r.p50Ms, 2), p99: round(r.p99Ms, 2), p999: round(r.p999Ms, 2), unit: 'ms' },
        seconds: round(r.seconds, 3),
        extra: { commits: r.commits },
      };
    });
  }
}

export async function groupsPhase(ctx: Context): Promise<void> {
  const clusters: Partial<Record<SystemName, Cluster>> = {};
  try {
    for (const system of ctx.opts.systems) {
      const c = await ctx.cluster(system);
      clusters[system] = c;
      const t0 = performance.now();
      await createTopics(c.ports[0]!, [{ name: TOPIC, partitions: PARTITIONS, replicationFactor: 3 }]);
      // Kafka creates __consumer_offsets on the first FindCoordinator: not part of any measurement.
      const g = await supportsConsumerGroups(c.ports[0]!, 60_000);
      ctx.log(`groups: ${system} ${g.ok ? 'has a group coordinator' : `has no consumer groups (${g.why})`}, topic ready, after ${(performance.now() - t0).toFixed(0)} ms`);
    }
    if (ctx.wants('rebalance-3')) await rebalance(ctx, clusters);
    if (ctx.wants('commits')) await commits(ctx, clusters);
  } finally {
    await Promise.all(Object.values(clusters).map((c) => ctx.release(c)));
  }
}
