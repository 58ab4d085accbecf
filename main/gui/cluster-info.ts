// Brokers and cluster-wide counts from Metadata and DescribeLogDirs; for the local cluster the supervisor adds the
// brokers Metadata no longer lists (killed, paused) with their state.
import type { BrokerInfo } from '../contract/ui-api.js';
import { withTimeout, type Cluster } from '../supervisor/cluster.js';
import type { ClusterMetadataSnapshot, KafkaClient } from './kafka-client.js';

export interface LogDirSizes {
  /** broker id → sum of its log dirs' partition sizes. */
  brokerBytes: Map<number, number>;
  /** `${broker}/${topic}/${partition}` → size of that replica. */
  replicaBytes: Map<string, number>;
}

interface RawLogDirs {
  errorCode: number;
  results: { errorCode: number; logDir: string; topics: { name: string; partitions: { partitionIndex: number; partitionSize: bigint }[] }[] }[];
}

/** DescribeLogDirs on every broker in parallel; a broker that does not answer (in time) is left out. */
export async function logDirSizes(client: KafkaClient, md: ClusterMetadataSnapshot, timeoutMs = 3_000): Promise<LogDirSizes> {
  const brokerBytes = new Map<number, number>();
  const replicaBytes = new Map<string, number>();
  await Promise.all(
    md.brokers.map(async (b) => {
      try {
        const r = await withTimeout(
          client.broker(b).then((c) => client.requestLenient<[null], RawLogDirs>('DescribeLogDirs', c, null)),
          timeoutMs,
        );
        if (r.errorCode !== 0) return;
        let total = 0;
        for (const dir of r.results) {
          if (dir.errorCode !== 0) continue;
          for (const t of dir.topics) {
            for (const p of t.partitions) {
              const size = Number(p.partitionSize);
              total += size;
              replicaBytes.set(`${b.id}/${t.name}/${p.partitionIndex}`, size);
            }
          }
        }
        brokerBytes.set(b.id, total);
      } catch {
        // No answer: its sizes show as unknown.
      }
    }),
  );
  return { brokerBytes, replicaBytes };
}

export function brokerInfos(md: ClusterMetadataSnapshot, sizes: LogDirSizes | null, local: Cluster | null): BrokerInfo[] {
  const leaders = new Map<number, number>();
  const replicas = new Map<number, number>();
  for (const t of md.topics) {
    for (const p of t.partitions) {
      if (p.leader >= 0) leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
      for (const r of p.replicas) replicas.set(r, (replicas.get(r) ?? 0) + 1);
    }
  }
  const out = new Map<number, BrokerInfo>();
  for (const b of md.brokers) {
    out.set(b.id, {
      id: b.id,
      host: b.host,
      port: b.port,
      rack: b.rack,
      state: 'up',
      isController: b.id === md.controllerId,
      leaderPartitions: leaders.get(b.id) ?? 0,
      replicaPartitions: replicas.get(b.id) ?? 0,
      diskBytes: sizes?.brokerBytes.get(b.id) ?? null,
    });
  }
  if (local) {
    for (const s of local.brokers()) {
      const known = out.get(s.id);
      // The supervisor knows better than a Metadata answer that may lag a kill or a freeze by a heartbeat.
      const state = s.state === 'stopped' ? 'down' : s.state === 'paused' ? 'paused' : known ? 'up' : 'down';
      if (known) known.state = state;
      else {
        out.set(s.id, {
          id: s.id,
          host: s.host,
          port: s.port,
          rack: null,
          state,
          isController: false,
          leaderPartitions: leaders.get(s.id) ?? 0,
          replicaPartitions: replicas.get(s.id) ?? 0,
          diskBytes: null,
        });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.id - b.id);
}

export function partitionCounts(md: ClusterMetadataSnapshot): { topics: number; partitions: number; underReplicated: number; offline: number } {
  let partitions = 0;
  let underReplicated = 0;
  let offline = 0;
  for (const t of md.topics) {
    for (const p of t.partitions) {
      partitions++;
      if (p.leader < 0) offline++;
      if (p.isr.length < p.replicas.length) underReplicated++;
    }
  }
  return { topics: md.topics.length, partitions, underReplicated, offline };
}
