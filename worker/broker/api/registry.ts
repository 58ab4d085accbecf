// The table of served APIs. ApiVersions is built from the handlers' own declarations, so what is advertised
// is exactly what is implemented.
import { Writer } from '../../protocol/primitives.js';
import { encodeApiVersionsResponse } from '../../protocol/generated/api-versions-response.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler } from './handler.js';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export class ApiRegistry {
  private readonly handlers = new Map<number, ApiHandler<any, any>>();

  register(handler: ApiHandler<any, any>): this {
    if (this.handlers.has(handler.apiKey)) throw new Error(`API key ${handler.apiKey} registered twice`);
    this.handlers.set(handler.apiKey, handler);
    return this;
  }

  get(apiKey: number): ApiHandler<any, any> | undefined {
    return this.handlers.get(apiKey);
  }

  ranges(): ApiVersionRange[] {
    return [...this.handlers.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  }

  /** The KIP-511 answer to an ApiVersions request at a version we do not serve: v0 body, header v0. */
  apiVersionsFallback(correlationId: number): Buffer[] {
    const own = this.handlers.get(18)!;
    const w = new Writer(64);
    w.writeInt32(0);
    w.writeInt32(correlationId);
    encodeApiVersionsResponse(w, 0, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: 18, minVersion: own.minVersion, maxVersion: own.maxVersion }],
    });
    w.patchInt32(0, w.length - 4);
    return w.chunksOut();
  }
}
