// CreateTopics (key 19), v2-7 (Kafka 4 removed v0-1). Validation and assignment happen in the controller;
// this handler forwards and shapes the answer, including the effective configs (v5+) a new topic has.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeCreateTopicsRequest,
  encodeCreateTopicsResponse,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
} from '../../protocol/generated/index.js';
import { TOPIC_CONFIGS } from '../../rpc/topic-configs.js';
import { ZERO_UUID } from '../../protocol/primitives.js';
import { defineHandler } from '../api/handler.js';
import { ConfigSource } from '../config-source.js';

export const createTopicsHandler = defineHandler<CreateTopicsRequest, CreateTopicsResponse>({
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 2,
  maxVersion: 7,
  decode: decodeCreateTopicsRequest,
  encode: encodeCreateTopicsResponse,
  async handle(req, _ctx, broker) {
    const results = await broker.controller.createTopics(
      req.topics.map((t) => ({
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments.map((a) => ({ partition: a.partitionIndex, brokerIds: a.brokerIds })),
        configs: t.configs.map((c) => ({ name: c.name, value: c.value })),
      })),
      req.validateOnly ?? false,
    );
    // A name given twice gets one INVALID_REQUEST result, as Kafka answers (its response is keyed by name).
    const unique = results.filter((r, i) => results.findIndex((x) => x.name === r.name) === i);
    return {
      throttleTimeMs: 0,
      topics: unique.map((r) => {
        const ok = r.errorCode === ErrorCode.NONE;
        const explicit = new Map(r.configs.map((c) => [c.name, c.value]));
        return {
          name: r.name,
          topicId: ok ? r.topicId : ZERO_UUID,
          errorCode: r.errorCode,
          errorMessage: r.errorMessage,
          topicConfigErrorCode: ErrorCode.NONE,
          numPartitions: ok ? r.numPartitions : -1,
          replicationFactor: ok ? r.replicationFactor : -1,
          configs: ok
            ? TOPIC_CONFIGS.map((def) => ({
                name: def.name,
                value: explicit.get(def.name) ?? def.defaultValue,
                readOnly: false,
                configSource: explicit.has(def.name)
                  ? ConfigSource.TOPIC_CONFIG
                  : def.clusterDynamicDefault
                    ? ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
                    : ConfigSource.DEFAULT_CONFIG,
                isSensitive: false,
              }))
            : [],
        };
      }),
    };
  },
});
