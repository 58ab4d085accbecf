// FindCoordinator (key 10), v0-6 (v4+ batches keys). Key type 0 (group) maps to the leader of the group's
// __consumer_offsets partition, creating that topic on first use (answering COORDINATOR_NOT_AVAILABLE until
// it exists, as Kafka does). Transactions have no coordinator yet: key type 1 answers
// COORDINATOR_NOT_AVAILABLE. librdkafka also needs v0 advertised before it enables LZ4.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeFindCoordinatorRequest,
  encodeFindCoordinatorResponse,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';
import type { BrokerContext } from '../broker-context.js';

const GROUP = 0;
const TRANSACTION = 1;

function lookup(broker: BrokerContext, key: string, keyType: number) {
  if (keyType === GROUP) {
    const c = broker.groups.findCoordinator(key);
    return { ...c, errorMessage: c.errorCode === ErrorCode.NONE ? null : 'The coordinator is not available.' };
  }
  if (keyType === TRANSACTION) {
    return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'Transactions are not supported yet.', nodeId: -1, host: '', port: -1 };
  }
  return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unknown coordinator type ${keyType}.`, nodeId: -1, host: '', port: -1 };
}

export const findCoordinatorHandler = defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  decode: decodeFindCoordinatorRequest,
  encode: encodeFindCoordinatorResponse,
  handle(req, ctx, broker) {
    const keyType = req.keyType ?? GROUP;
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: (req.coordinatorKeys ?? []).map((key) => ({ key, ...lookup(broker, key, keyType) })) };
    }
    return { throttleTimeMs: 0, ...lookup(broker, req.key ?? '', keyType) };
  },
});
