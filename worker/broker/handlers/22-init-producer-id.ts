// InitProducerId (key 22), v0-5. For idempotent producers (no transactional id) Kafka always hands out a
// fresh producer id with epoch 0, whatever id/epoch a v3+ request carries; ids come from a block the
// controller reserved for this broker. Transactions have no coordinator yet, so a transactional id is
// answered with COORDINATOR_NOT_AVAILABLE (retriable) rather than a fake transaction.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeInitProducerIdRequest,
  encodeInitProducerIdResponse,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const initProducerIdHandler = defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  decode: decodeInitProducerIdRequest,
  encode: encodeInitProducerIdResponse,
  async handle(req, _ctx, broker) {
    if (req.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
    }
    // v3+ (KIP-360): an id and an epoch come together or not at all (Kafka's KafkaApis answers INVALID_REQUEST).
    if ((req.producerId ?? -1n) === -1n ? (req.producerEpoch ?? -1) !== -1 : (req.producerEpoch ?? -1) === -1) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
    }
    const producerId = await broker.producerIds.nextId();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(producerId), producerEpoch: 0 };
  },
});
