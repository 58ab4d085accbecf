// DescribeCluster (key 60), v0-1. Same view as Metadata: live brokers, cluster id, the broker that takes
// controller-bound requests.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeDescribeClusterRequest,
  encodeDescribeClusterResponse,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import { CLUSTER_AUTHORIZED_OPERATIONS, OMITTED_AUTHORIZED_OPERATIONS } from '../authorized-operations.js';

const BROKER_ENDPOINT = 1;
const CONTROLLER_ENDPOINT = 2;

export const describeClusterHandler = defineHandler<DescribeClusterRequest, DescribeClusterResponse>({
  apiKey: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 1,
  decode: decodeDescribeClusterRequest,
  encode: encodeDescribeClusterResponse,
  handle(req, _ctx, broker) {
    const image = broker.metadata;
    const wanted = req.endpointType ?? BROKER_ENDPOINT;
    if (wanted !== BROKER_ENDPOINT) {
      // As a Kafka 4.4 broker answers (checked against the reference broker): a controller request is a mismatch,
      // anything else unsupported; the answer names this endpoint's own type and carries no cluster data.
      return {
        throttleTimeMs: 0,
        errorCode: wanted === CONTROLLER_ENDPOINT ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage:
          wanted === CONTROLLER_ENDPOINT
            ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER'
            : `Unsupported endpoint type ${wanted}`,
        endpointType: BROKER_ENDPOINT,
        clusterId: '',
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: OMITTED_AUTHORIZED_OPERATIONS,
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: BROKER_ENDPOINT,
      clusterId: image.clusterId,
      controllerId: broker.controllerId(),
      brokers: [...image.brokers.values()]
        .filter((b) => image.liveBrokers.has(b.brokerId))
        .sort((a, b) => a.brokerId - b.brokerId)
        .map((b) => ({ brokerId: b.brokerId, host: b.host, port: b.port, rack: b.rack })),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_AUTHORIZED_OPERATIONS : OMITTED_AUTHORIZED_OPERATIONS,
    };
  },
});
