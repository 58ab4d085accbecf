// CreatePartitions (key 37), v0-3: adds partitions to a topic (never removes), optionally with an explicit
// replica assignment for the new ones. kafka-topics --alter --partitions uses it.
import { decodeCreatePartitionsRequest, encodeCreatePartitionsResponse, type CreatePartitionsRequest, type CreatePartitionsResponse } from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const createPartitionsHandler = defineHandler<CreatePartitionsRequest, CreatePartitionsResponse>({
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  decode: decodeCreatePartitionsRequest,
  encode: encodeCreatePartitionsResponse,
  async handle(req, _ctx, broker) {
    const results = await broker.controller.createPartitions(
      req.topics.map((t) => ({ topic: t.name, count: t.count, assignments: t.assignments === null ? null : t.assignments.map((a) => a.brokerIds) })),
      req.validateOnly,
    );
    return { throttleTimeMs: 0, results: results.map((r) => ({ name: r.topic, errorCode: r.errorCode, errorMessage: r.errorMessage })) };
  },
});
