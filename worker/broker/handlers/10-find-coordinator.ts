// FindCoordinator (key 10), v0-6. Advertised because librdkafka only enables its coordinator lookups and
// LZ4 when it sees FindCoordinator v0. Group and transaction coordinators are not built yet, so every key
// is answered with COORDINATOR_NOT_AVAILABLE, which clients treat as retriable.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeFindCoordinatorRequest,
  encodeFindCoordinatorResponse,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

const NOT_AVAILABLE_MESSAGE = 'The coordinator is not available.';

export const findCoordinatorHandler = defineHandler<FindCoordinatorRequest, FindCoordinatorResponse>({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  decode: decodeFindCoordinatorRequest,
  encode: encodeFindCoordinatorResponse,
  handle(req, ctx) {
    if (ctx.apiVersion >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: (req.coordinatorKeys ?? []).map((key) => ({
          key,
          nodeId: -1,
          host: '',
          port: -1,
          errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
          errorMessage: NOT_AVAILABLE_MESSAGE,
        })),
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: NOT_AVAILABLE_MESSAGE,
      nodeId: -1,
      host: '',
      port: -1,
    };
  },
});
