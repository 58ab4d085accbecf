// The services a request handler can use. Handlers get this object, never the broker's internals.
import type { BrokerSettings, ControllerApi } from '../rpc/broker-rpc.js';
import type { MetadataImage } from '../rpc/metadata.js';
import type { ApiRegistry } from './api/registry.js';
import type { Logger } from './logger.js';
import type { ReplicaManager } from './replica/replica-manager.js';
import type { ProducerIdAllocator } from './replica/producer-ids.js';
import type { GroupCoordinator } from './coordinator/group/group-coordinator.js';

export interface BrokerContext {
  readonly brokerId: number;
  /** The broker's log directory (its LMDB environment). */
  readonly logDir: string;
  readonly settings: BrokerSettings;
  readonly metadata: MetadataImage;
  readonly replicas: ReplicaManager;
  readonly controller: ControllerApi;
  readonly producerIds: ProducerIdAllocator;
  readonly groups: GroupCoordinator;
  readonly registry: ApiRegistry;
  readonly log: Logger;
  /** Resolves once the broker has its first metadata from the controller. */
  readonly ready: Promise<void>;
  /** Broker id that clients should send controller-bound admin requests to (see Metadata.controller_id). */
  controllerId(): number;
}
