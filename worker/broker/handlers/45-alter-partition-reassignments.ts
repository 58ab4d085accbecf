// AlterPartitionReassignments (key 45), v0: moves a partition's replicas (kafka-reassign-partitions). New
// replicas catch up from the leader and join the ISR; then the removed ones are dropped. Null replicas
// cancel an ongoing reassignment.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeAlterPartitionReassignmentsRequest,
  encodeAlterPartitionReassignmentsResponse,
  type AlterPartitionReassignmentsRequest,
  type AlterPartitionReassignmentsResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const alterPartitionReassignmentsHandler = defineHandler<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>({
  apiKey: 45,
  name: 'AlterPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  decode: decodeAlterPartitionReassignmentsRequest,
  encode: encodeAlterPartitionReassignmentsResponse,
  async handle(req, _ctx, broker) {
    const items = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas })));
    const results = await broker.controller.alterPartitionReassignments(items);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      responses: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const r = results.find((x) => x.topic === t.name && x.partition === p.partitionIndex);
          return { partitionIndex: p.partitionIndex, errorCode: r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: r?.errorMessage ?? null };
        }),
      })),
    };
  },
});
