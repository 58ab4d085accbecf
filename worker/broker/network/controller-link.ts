// The broker's end of its link to the controller, with the same injectable faults as links between
// brokers: while cut, calls go unanswered (they fail after a timeout, as over a dead network).
import { HEALTHY_LINK, type AlterPartitionRequest, type ControllerApi, type CreateTopicResult, type CreateTopicSpec, type DeleteTopicResult, type LinkFaults, type ProducerIdBlock, type ReassignmentRequest, type ConfigChangeResource } from '../../rpc/broker-rpc.js';
import type { Remote } from '../../rpc/channel.js';

const CUT_TIMEOUT_MS = 5000;

export class ControllerLink implements ControllerApi {
  faults: LinkFaults = { ...HEALTHY_LINK };

  constructor(private readonly remote: Remote<ControllerApi>) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    const f = this.faults;
    if (f.cut || (f.loss > 0 && Math.random() < f.loss)) {
      await new Promise((r) => setTimeout(r, CUT_TIMEOUT_MS));
      throw new Error('the controller did not answer (link cut)');
    }
    if (f.delayMs > 0) await new Promise((r) => setTimeout(r, f.delayMs));
    return fn();
  }

  createTopics(specs: CreateTopicSpec[], validateOnly: boolean): Promise<CreateTopicResult[]> {
    return this.call(() => this.remote.createTopics(specs, validateOnly));
  }
  deleteTopics(topics: { name: string | null; topicId: string | null }[]): Promise<DeleteTopicResult[]> {
    return this.call(() => this.remote.deleteTopics(topics));
  }
  allocateProducerIds(brokerId: number): Promise<ProducerIdBlock> {
    return this.call(() => this.remote.allocateProducerIds(brokerId));
  }
  alterPartition(brokerId: number, req: AlterPartitionRequest): Promise<number> {
    return this.call(() => this.remote.alterPartition(brokerId, req));
  }
  reportStorageFailure(brokerId: number, topicId: string, partition: number): Promise<void> {
    return this.call(() => this.remote.reportStorageFailure(brokerId, topicId, partition));
  }
  brokerHeartbeat(brokerId: number): Promise<void> {
    return this.call(() => this.remote.brokerHeartbeat(brokerId));
  }
  alterConfigs(resources: ConfigChangeResource[], validateOnly: boolean, incremental: boolean) {
    return this.call(() => this.remote.alterConfigs(resources, validateOnly, incremental));
  }
  createPartitions(items: { topic: string; count: number; assignments: number[][] | null }[], validateOnly: boolean) {
    return this.call(() => this.remote.createPartitions(items, validateOnly));
  }
  alterPartitionReassignments(items: ReassignmentRequest[]) {
    return this.call(() => this.remote.alterPartitionReassignments(items));
  }
  listPartitionReassignments(only: { topic: string; partition: number }[] | null) {
    return this.call(() => this.remote.listPartitionReassignments(only));
  }
  electLeaders(type: number, partitions: { topic: string; partition: number }[] | null) {
    return this.call(() => this.remote.electLeaders(type, partitions));
  }
}
