// What every API handler file declares: its key, the versions it serves, how its messages are coded
// (always the generated codec) and the function that turns a request into a response.
import type { Reader, Writer } from '../../protocol/primitives.js';
import type { BrokerContext } from '../broker-context.js';

export interface RequestContext {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** Remote address, for logs. */
  peer: string;
}

export interface ApiHandler<Req = unknown, Res = unknown> {
  apiKey: number;
  name: string;
  /** Advertised in ApiVersions. */
  minVersion: number;
  maxVersion: number;
  /**
   * Versions below this are advertised but refused by closing the connection, as Kafka 4 does for
   * Produce v0-2 (old librdkafka only enables compression when it sees Produce v0 advertised).
   */
  minAcceptedVersion?: number;
  decode(r: Reader, version: number): Req;
  encode(w: Writer, version: number, res: Res): void;
  /** Returns null when no response is sent (Produce with acks=0). */
  handle(req: Req, ctx: RequestContext, broker: BrokerContext): Promise<Res | null> | Res | null;
  /**
   * Handlers that may run while earlier requests on the same connection are still in flight
   * (pipelined produce); everything else waits for the connection's earlier requests to finish.
   */
  concurrent?: boolean;
}

/** Helper that keeps each handler file's declaration typed end to end. */
export function defineHandler<Req, Res>(h: ApiHandler<Req, Res>): ApiHandler<Req, Res> {
  return h;
}
