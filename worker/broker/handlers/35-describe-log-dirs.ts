// DescribeLogDirs (key 35), v1-4 (Kafka 4 removed v0): this broker's one log directory (its LMDB environment)
// with each hosted partition's size. kafka-log-dirs and the GUI use it.
import { statfsSync } from 'node:fs';
import { ErrorCode } from '../../protocol/errors.js';
import { decodeDescribeLogDirsRequest, encodeDescribeLogDirsResponse, type DescribeLogDirsRequest, type DescribeLogDirsResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

function diskSpace(dir: string): { total: bigint; usable: bigint } {
  try {
    const s = statfsSync(dir, { bigint: true });
    return { total: s.blocks * s.bsize, usable: s.bavail * s.bsize };
  } catch {
    return { total: -1n, usable: -1n };
  }
}

export const describeLogDirsHandler = defineHandler<DescribeLogDirsRequest, DescribeLogDirsResponse>({
  apiKey: 35,
  name: 'DescribeLogDirs',
  minVersion: 1,
  maxVersion: 4,
  decode: decodeDescribeLogDirsRequest,
  encode: encodeDescribeLogDirsResponse,
  handle(req, _ctx, broker) {
    const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const byTopic = new Map<string, DescribeLogDirsResponse['results'][number]['topics'][number]['partitions']>();
    for (const p of broker.replicas.all()) {
      if (wanted && !wanted.get(p.topicName)?.has(p.index)) continue;
      let list = byTopic.get(p.topicName);
      if (!list) byTopic.set(p.topicName, (list = []));
      list.push({ partitionIndex: p.index, partitionSize: BigInt(p.sizeBytes), offsetLag: BigInt(Math.max(0, p.highWatermark - p.logEndOffset)), isFutureKey: false });
    }
    const space = diskSpace(broker.logDir);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [
        {
          errorCode: ErrorCode.NONE,
          logDir: broker.logDir,
          topics: [...byTopic].map(([name, partitions]) => ({ name, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex) })),
          totalBytes: space.total,
          usableBytes: space.usable,
        },
      ],
    };
  },
});
