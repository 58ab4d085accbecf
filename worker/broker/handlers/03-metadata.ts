// Metadata (key 3), v0-12. Any broker answers for the whole cluster. controller_id names a live broker
// (our controller lives in the supervisor, not on a listener; brokers forward admin calls to it), as a
// KRaft cluster does for clients. Unknown topics are auto-created when `auto.create.topics.enable` and
// the request allow it (v4+ flag; always for v0-3); like Kafka 4.4, the first answer for such a topic is
// UNKNOWN_TOPIC_OR_PARTITION (the topic now exists) and the client asks again.
import { ErrorCode } from '../../protocol/errors.js';
import { ZERO_UUID } from '../../protocol/primitives.js';
import {
  decodeMetadataRequest,
  encodeMetadataResponse,
  type MetadataRequest,
  type MetadataResponse,
} from '../../protocol/generated/index.js';
import { INTERNAL_TOPICS, invalidTopicNameReason } from '../../rpc/topic-names.js';
import type { TopicImage } from '../../rpc/metadata.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';
import { TOPIC_AUTHORIZED_OPERATIONS, CLUSTER_AUTHORIZED_OPERATIONS, OMITTED_AUTHORIZED_OPERATIONS } from '../authorized-operations.js';

type TopicOut = MetadataResponse['topics'][number];

function describeTopic(broker: BrokerContext, t: TopicImage, includeOps: boolean): TopicOut {
  const live = broker.metadata.liveBrokers;
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.topicId,
    isInternal: INTERNAL_TOPICS.has(t.name),
    partitions: t.partitions.map((p) => {
      const leaderUp = live.has(p.leader);
      return {
        errorCode: leaderUp ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
        partitionIndex: p.partition,
        leaderId: leaderUp ? p.leader : -1,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: p.isr,
        offlineReplicas: p.replicas.filter((r) => !live.has(r)),
      };
    }),
    topicAuthorizedOperations: includeOps ? TOPIC_AUTHORIZED_OPERATIONS : OMITTED_AUTHORIZED_OPERATIONS,
  };
}

function missingTopic(name: string | null, topicId: string, errorCode: number, includeOps: boolean): TopicOut {
  // Kafka reports the operations it would allow even for topics that do not exist, when asked.
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: includeOps ? TOPIC_AUTHORIZED_OPERATIONS : OMITTED_AUTHORIZED_OPERATIONS };
}

/**
 * Asks the controller to create the topic and answers at once, as Kafka's auto-topic-creation manager does:
 * the topic appears in a later Metadata response.
 */
function autoCreate(broker: BrokerContext, name: string): number {
  void broker.controller
    .createTopics([{ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], false)
    .then(
      ([result]) => {
        if (result && result.errorCode !== ErrorCode.NONE && result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
          broker.log.warn(`auto-creating topic ${name} failed: ${result.errorMessage ?? result.errorCode}`);
        }
      },
      (e: unknown) => broker.log.error(`auto-creating topic ${name} failed`, e),
    );
  return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
}

export const metadataHandler = defineHandler<MetadataRequest, MetadataResponse>({
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  decode: decodeMetadataRequest,
  encode: encodeMetadataResponse,
  async handle(req, ctx, broker) {
    const v = ctx.apiVersion;
    const image = broker.metadata;
    const includeOps = req.includeTopicAuthorizedOperations ?? false;
    const topics: TopicOut[] = [];
    // v0: an empty list means all topics; v1+: null means all, empty means none.
    const all = req.topics === null || (v === 0 && req.topics.length === 0);
    if (all) {
      for (const t of image.topicsByName.values()) topics.push(describeTopic(broker, t, includeOps));
    } else {
      const allowAuto = broker.settings['auto.create.topics.enable'] && (v < 4 || req.allowAutoTopicCreation !== false);
      for (const rt of req.topics ?? []) {
        const byId = rt.topicId !== undefined && rt.topicId !== ZERO_UUID;
        const t = byId ? image.topicsById.get(rt.topicId!) : image.topicsByName.get(rt.name ?? '');
        if (t) {
          topics.push(describeTopic(broker, t, includeOps));
        } else if (byId) {
          topics.push(missingTopic(null, rt.topicId!, ErrorCode.UNKNOWN_TOPIC_ID, includeOps));
        } else {
          const name = rt.name ?? '';
          const reason = invalidTopicNameReason(name);
          if (reason) topics.push(missingTopic(name, ZERO_UUID, ErrorCode.INVALID_TOPIC_EXCEPTION, includeOps));
          else if (allowAuto && !INTERNAL_TOPICS.has(name)) topics.push(missingTopic(name, ZERO_UUID, autoCreate(broker, name), includeOps));
          else topics.push(missingTopic(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, includeOps));
        }
      }
    }
    const brokers = [...image.brokers.values()]
      .filter((b) => image.liveBrokers.has(b.brokerId))
      .sort((a, b) => a.brokerId - b.brokerId)
      .map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack }));
    return {
      throttleTimeMs: 0,
      brokers,
      clusterId: image.clusterId,
      controllerId: broker.controllerId(),
      topics,
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_AUTHORIZED_OPERATIONS : OMITTED_AUTHORIZED_OPERATIONS,
    };
  },
});
