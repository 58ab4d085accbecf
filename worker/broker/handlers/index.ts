// Every API this broker serves. Adding a handler file and listing it here is all it takes to advertise it.
import { ApiRegistry } from '../api/registry.js';
import { produceHandler } from './00-produce.js';
import { fetchHandler } from './01-fetch.js';
import { listOffsetsHandler } from './02-list-offsets.js';
import { metadataHandler } from './03-metadata.js';
import { findCoordinatorHandler } from './10-find-coordinator.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { createTopicsHandler } from './19-create-topics.js';
import { deleteTopicsHandler } from './20-delete-topics.js';
import { initProducerIdHandler } from './22-init-producer-id.js';
import { describeConfigsHandler } from './32-describe-configs.js';
import { describeClusterHandler } from './60-describe-cluster.js';

export function createRegistry(): ApiRegistry {
  return new ApiRegistry()
    .register(produceHandler)
    .register(fetchHandler)
    .register(listOffsetsHandler)
    .register(metadataHandler)
    .register(findCoordinatorHandler)
    .register(apiVersionsHandler)
    .register(createTopicsHandler)
    .register(deleteTopicsHandler)
    .register(initProducerIdHandler)
    .register(describeConfigsHandler)
    .register(describeClusterHandler);
}
