// DeleteTopics (key 20), v1-6 (Kafka 4 removed v0). v6 can name topics by id.
import {
  decodeDeleteTopicsRequest,
  encodeDeleteTopicsResponse,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
} from '../../protocol/generated/index.js';
import { ZERO_UUID } from '../../protocol/primitives.js';
import { defineHandler } from '../api/handler.js';

export const deleteTopicsHandler = defineHandler<DeleteTopicsRequest, DeleteTopicsResponse>({
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 1,
  maxVersion: 6,
  decode: decodeDeleteTopicsRequest,
  encode: encodeDeleteTopicsResponse,
  async handle(req, ctx, broker) {
    const wanted =
      ctx.apiVersion >= 6
        ? (req.topics ?? []).map((t) => ({ name: t.name ?? null, topicId: t.topicId && t.topicId !== ZERO_UUID ? t.topicId : null }))
        : (req.topicNames ?? []).map((name) => ({ name, topicId: null }));
    const results = await broker.controller.deleteTopics(wanted);
    return {
      throttleTimeMs: 0,
      responses: results.map((r) => ({ name: r.name, topicId: r.topicId, errorCode: r.errorCode, errorMessage: r.errorMessage })),
    };
  },
});
