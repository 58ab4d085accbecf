// One Kafka client (platformatic's Admin) per connection, plus raw requests where the Admin client has no call or
// hides what the GUI needs (all topics with their internal flag, validate-only creates, fetches at exact offsets).
// A raw request uses the highest version both the library and the cluster support, like the library's own calls.
import { readFileSync } from 'node:fs';
import { Admin, kGetApi, kGetBootstrapConnection, kGetConnection, protocolErrorsCodesById, type API, type Broker, type Connection } from '@platformatic/kafka';
import type { RemoteConnectionParams } from '../contract/ui-api.js';
import { toUiError } from './errors.js';

/** Kafka's error name for an error code. */
export function errorName(code: number): string {
  return protocolErrorsCodesById[code] ?? `ERROR_${code}`;
}

export type { Connection as BrokerConnection };

export interface MetadataTopic {
  name: string;
  topicId: string;
  internal: boolean;
  errorCode: number;
  partitions: { partition: number; leader: number; leaderEpoch: number; replicas: number[]; isr: number[]; offlineReplicas: number[]; errorCode: number }[];
}

export interface ClusterMetadataSnapshot {
  clusterId: string | null;
  controllerId: number;
  brokers: { id: number; host: string; port: number; rack: string | null }[];
  topics: MetadataTopic[];
}

interface RawMetadataResponse {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
  topics: {
    errorCode: number;
    name: string | null;
    topicId: string;
    isInternal: boolean;
    partitions: { errorCode: number; partitionIndex: number; leaderId: number; leaderEpoch: number; replicaNodes: number[]; isrNodes: number[]; offlineReplicas: number[] }[];
  }[];
}

export interface ClientOptions {
  bootstrapServers: string;
  sasl?: RemoteConnectionParams['sasl'];
  tls?: RemoteConnectionParams['tls'];
}

/** Options every platformatic client of a connection shares (Admin, Producer). */
export function clientOptions(opts: ClientOptions, clientId: string) {
  const tls = opts.tls
    ? { rejectUnauthorized: opts.tls.rejectUnauthorized ?? true, ...(opts.tls.caFile ? { ca: readFileSync(opts.tls.caFile, 'utf8') } : {}) }
    : undefined;
  return {
    clientId,
    bootstrapBrokers: opts.bootstrapServers.split(',').map((s) => s.trim()).filter(Boolean),
    connectTimeout: 5_000,
    requestTimeout: 30_000,
    timeout: 30_000,
    retries: 2,
    retryDelay: 250,
    ...(tls ? { tls } : {}),
    ...(opts.sasl ? { sasl: { mechanism: opts.sasl.mechanism, username: opts.sasl.username, password: opts.sasl.password } } : {}),
  };
}

export class KafkaClient {
  readonly admin: Admin;

  constructor(readonly options: ClientOptions) {
    this.admin = new Admin(clientOptions(options, 'eddy-gui'));
  }

  /** The request `name` (Kafka's API name, e.g. 'CreateTopics') at the highest version both sides speak. */
  api<Args extends unknown[], Response>(name: string): Promise<API<Args, Response>> {
    return new Promise((resolve, reject) => {
      this.admin[kGetApi]<Args, Response>(name, (error, api) => (error ? reject(error) : resolve(api!)));
    });
  }

  /** A connection to any reachable broker. */
  anyBroker(): Promise<Connection> {
    return new Promise((resolve, reject) => {
      this.admin[kGetBootstrapConnection]((error, connection) => (error ? reject(error) : resolve(connection!)));
    });
  }

  /** A connection to one broker. */
  broker(broker: Broker): Promise<Connection> {
    return new Promise((resolve, reject) => {
      this.admin[kGetConnection]({ host: broker.host, port: broker.port }, (error, connection) => (error ? reject(error) : resolve(connection!)));
    });
  }

  /** Sends one raw request to a connection. */
  async request<Args extends unknown[], Response>(name: string, connection: Connection, ...args: Args): Promise<Response> {
    const api = await this.api<Args, Response>(name);
    return api.async(connection, ...args);
  }

  /**
   * Like request(), but a response that carries error codes (the library rejects those whole) is returned for the
   * caller to read per entry: Metadata with one leaderless partition is still the cluster's metadata.
   */
  async requestLenient<Args extends unknown[], Response>(name: string, connection: Connection, ...args: Args): Promise<Response> {
    try {
      return await this.request<Args, Response>(name, connection, ...args);
    } catch (e) {
      const response = (e as { response?: Response }).response;
      if (response && typeof response === 'object') return response;
      throw e;
    }
  }

  /** Metadata for every topic (internal ones included), its brokers and controller. */
  async metadata(): Promise<ClusterMetadataSnapshot> {
    try {
      const r = await this.requestLenient<[string[] | null, boolean, boolean], RawMetadataResponse>('Metadata', await this.anyBroker(), null, false, false);
      return {
        clusterId: r.clusterId,
        controllerId: r.controllerId,
        brokers: r.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.id - b.id),
        topics: r.topics
          .filter((t) => t.name !== null)
          .map((t) => ({
            name: t.name!,
            topicId: t.topicId,
            internal: t.isInternal,
            errorCode: t.errorCode,
            partitions: t.partitions
              .map((p) => ({
                partition: p.partitionIndex,
                leader: p.leaderId,
                leaderEpoch: p.leaderEpoch,
                replicas: p.replicaNodes,
                isr: p.isrNodes,
                offlineReplicas: p.offlineReplicas,
                errorCode: p.errorCode,
              }))
              .sort((a, b) => a.partition - b.partition),
          }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      };
    } catch (e) {
      throw toUiError(e, 'could not read the cluster metadata');
    }
  }

  /** Refreshes the library's metadata cache for these topics (its admin calls route by it). */
  async refresh(topics: string[]): Promise<void> {
    await this.admin.metadata({ topics, forceUpdate: true }).catch(() => undefined);
  }

  close(): Promise<void> {
    return this.admin.close().catch(() => undefined);
  }
}
