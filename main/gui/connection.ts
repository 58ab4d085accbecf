// One cluster the GUI talks to: the local one or a remote one the user added. It owns the Kafka client of that
// cluster and knows whether the cluster answered last time.
import type { ConnectionInfo, RemoteConnectionParams, SaslMechanism } from '../contract/ui-api.js';
import { uiError } from './errors.js';
import { KafkaClient, type ClientOptions, type ClusterMetadataSnapshot } from './kafka-client.js';

export interface ConnectionConfig {
  id: string;
  name: string;
  kind: 'local' | 'remote';
  bootstrapServers: string;
  sasl?: RemoteConnectionParams['sasl'];
  tls?: RemoteConnectionParams['tls'];
}

export class Connection {
  client: KafkaClient;
  clusterId: string | null = null;
  state: ConnectionInfo['state'] = 'connecting';
  error: { name: string; message: string } | undefined;
  private closed = false;

  constructor(public config: ConnectionConfig) {
    this.client = new KafkaClient(this.clientOptions());
  }

  get id(): string {
    return this.config.id;
  }

  get kind(): 'local' | 'remote' {
    return this.config.kind;
  }

  private clientOptions(): ClientOptions {
    return { bootstrapServers: this.config.bootstrapServers, ...(this.config.sasl ? { sasl: this.config.sasl } : {}), ...(this.config.tls ? { tls: this.config.tls } : {}) };
  }

  info(): ConnectionInfo {
    const security: { sasl?: SaslMechanism; tls: boolean } = { tls: Boolean(this.config.tls) };
    if (this.config.sasl) security.sasl = this.config.sasl.mechanism;
    return {
      id: this.config.id,
      name: this.config.name,
      kind: this.config.kind,
      bootstrapServers: this.config.bootstrapServers,
      clusterId: this.clusterId,
      state: this.state,
      ...(this.error ? { error: { ...this.error } } : {}),
      ...(this.config.kind === 'remote' ? { security } : {}),
    };
  }

  /** Asks the cluster for its metadata; the connection is 'connected' when it answers, 'error' with why if not. */
  async check(): Promise<void> {
    await this.metadata();
  }

  /** The cluster's metadata (all topics); records whether the cluster answered. */
  async metadata(): Promise<ClusterMetadataSnapshot> {
    this.ensureOpen();
    try {
      const md = await this.client.metadata();
      this.clusterId = md.clusterId;
      this.state = 'connected';
      this.error = undefined;
      return md;
    } catch (e) {
      this.state = 'error';
      const err = e as Error;
      this.error = { name: err.name === 'Error' ? 'CONNECTION_FAILED' : err.name, message: err.message };
      throw e;
    }
  }

  /** Points the connection at other bootstrap servers (the local cluster after a reset). */
  async repoint(bootstrapServers: string): Promise<void> {
    const old = this.client;
    this.config = { ...this.config, bootstrapServers };
    this.client = new KafkaClient(this.clientOptions());
    this.state = 'connecting';
    await old.close();
  }

  /** Refuses when closed; used by every call that goes to the cluster. */
  ensureOpen(): void {
    if (this.closed) throw uiError('NOT_CONNECTED', `connection ${this.config.name} was removed`, 'choose another cluster');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.close();
  }
}
