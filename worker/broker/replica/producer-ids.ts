// Hands out producer ids for InitProducerId from blocks the controller reserves for this broker
// (like Kafka's AllocateProducerIds), so ids are unique across the cluster and across restarts.
import type { ControllerApi, ProducerIdBlock } from '../../rpc/broker-rpc.js';

export class ProducerIdAllocator {
  private block: ProducerIdBlock | null = null;
  private next = 0;
  private fetching: Promise<void> | null = null;

  constructor(
    private readonly brokerId: number,
    private readonly controller: ControllerApi,
  ) {}

  async nextId(): Promise<number> {
    for (;;) {
      if (this.block && this.next < this.block.firstProducerId + this.block.size) return this.next++;
      if (!this.fetching) {
        this.fetching = this.controller.allocateProducerIds(this.brokerId).then(
          (b) => {
            this.block = b;
            this.next = b.firstProducerId;
            this.fetching = null;
          },
          (e) => {
            this.fetching = null;
            throw e;
          },
        );
      }
      await this.fetching;
    }
  }
}
