// ApiVersions (key 18), v0-4. The list is built from the registered handlers (api/registry.ts). A request
// at a version we do not serve is answered by the connection with the KIP-511 fallback (see connection.ts).
// No finalized features are advertised: in particular not transaction.version, whose presence would move
// Java 4 and franz-go clients to KIP-890 transactions.
import { ErrorCode } from '../../protocol/errors.js';
import {
  decodeApiVersionsRequest,
  encodeApiVersionsResponse,
  type ApiVersionsRequest,
  type ApiVersionsResponse,
} from '../../protocol/generated/index.js';
import { defineHandler } from '../api/handler.js';

export const apiVersionsHandler = defineHandler<ApiVersionsRequest, ApiVersionsResponse>({
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  decode: decodeApiVersionsRequest,
  encode: encodeApiVersionsResponse,
  handle(_req, _ctx, broker) {
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: broker.registry.ranges(),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1n,
      finalizedFeatures: [],
      zkMigrationReady: false,
    };
  },
});
