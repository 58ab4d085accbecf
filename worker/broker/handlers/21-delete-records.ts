// DeleteRecords (key 21), v0-2: the leader moves a partition's log start offset (-1 means the high watermark);
// consumers below it get OFFSET_OUT_OF_RANGE, followers follow on their next fetch, and the data is deleted
// in the background. kafka-delete-records and admin deleteRecords use it.
import { ErrorCode } from '../../protocol/errors.js';
import { decodeDeleteRecordsRequest, encodeDeleteRecordsResponse, type DeleteRecordsRequest, type DeleteRecordsResponse } from '../../protocol/generated/index.js';
import { topicConfigValue } from '../../rpc/topic-configs.js';
import { defineHandler } from '../api/handler.js';
import { hasCleanupPolicy } from '../log/topic-policies.js';

const HIGH_WATERMARK = -1n;

export const deleteRecordsHandler = defineHandler<DeleteRecordsRequest, DeleteRecordsResponse>({
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  decode: decodeDeleteRecordsRequest,
  encode: encodeDeleteRecordsResponse,
  async handle(req, _ctx, broker) {
    // Kafka keys the request by topic-partition: a repeated partition counts once (its last offset), a repeated
    // topic is answered as one.
    const wanted = new Map<string, Map<number, bigint>>();
    for (const t of req.topics) {
      let offsets = wanted.get(t.name);
      if (!offsets) wanted.set(t.name, (offsets = new Map()));
      for (const p of t.partitions) offsets.set(p.partitionIndex, p.offset);
    }
    const topics = [];
    for (const [name, offsets] of wanted) {
      const t = { name };
      const partitions = [];
      for (const [partitionIndex, offsetAsked] of offsets) {
        const p = { partitionIndex, offset: offsetAsked };
        const answer = (errorCode: number, lowWatermark = -1) => ({ partitionIndex: p.partitionIndex, lowWatermark: BigInt(lowWatermark), errorCode });
        const topic = broker.metadata.topicsByName.get(t.name);
        if (!topic || !topic.partitions[p.partitionIndex]) {
          partitions.push(answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        const part = broker.replicas.get(topic.topicId, p.partitionIndex);
        if (!part || !part.isLeader) {
          partitions.push(answer(ErrorCode.NOT_LEADER_OR_FOLLOWER));
          continue;
        }
        // Kafka refuses to delete records of a topic that is only compacted.
        if (!hasCleanupPolicy(topicConfigValue(broker.metadata.topicConfig(t.name), 'cleanup.policy'), 'delete')) {
          partitions.push(answer(ErrorCode.POLICY_VIOLATION));
          continue;
        }
        const offset = p.offset === HIGH_WATERMARK ? part.highWatermark : Number(p.offset);
        if (offset < 0 || offset > part.highWatermark) {
          partitions.push(answer(ErrorCode.OFFSET_OUT_OF_RANGE));
          continue;
        }
        await part.advanceLogStart(offset);
        partitions.push(answer(ErrorCode.NONE, part.logStartOffset));
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
