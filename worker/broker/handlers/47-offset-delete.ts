// OffsetDelete (key 47), v0: removes committed offsets of partitions the group is not consuming.
import { ErrorCode } from '../../protocol/errors.js';
import { decodeOffsetDeleteRequest, encodeOffsetDeleteResponse, type OffsetDeleteRequest, type OffsetDeleteResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const offsetDeleteHandler = defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>({
  apiKey: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  decode: decodeOffsetDeleteRequest,
  encode: encodeOffsetDeleteResponse,
  async handle(req, _ctx, broker) {
    const topics = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) }));
    const r = req.groupId === '' ? { errorCode: ErrorCode.INVALID_GROUP_ID, codes: [] } : await broker.groups.deleteOffsets(req.groupId, topics);
    return {
      errorCode: r.errorCode,
      throttleTimeMs: 0,
      topics:
        r.errorCode !== ErrorCode.NONE
          ? []
          : topics.map((t, i) => ({ name: t.name, partitions: t.partitions.map((partitionIndex, j) => ({ partitionIndex, errorCode: r.codes[i]![j]! })) })),
    };
  },
});
