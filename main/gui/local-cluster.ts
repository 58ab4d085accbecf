// The app's own cluster, as a slot that can be refilled: resetLocalCluster stops it, wipes its data and starts a
// new one in its place, and whoever holds the slot (the GUI backend, the control server) sees the new one.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, type ClusterOptions } from '../supervisor/cluster.js';

/** Files in the data dir that belong to the running process rather than to the cluster's data. */
const KEEP_ON_RESET = new Set(['eddy.json']);

export class LocalCluster {
  private current: Cluster;
  private resetting: Promise<void> | null = null;
  private readonly listeners = new Set<(cluster: Cluster) => void>();

  private constructor(
    cluster: Cluster,
    private options: ClusterOptions,
  ) {
    this.current = cluster;
  }

  static async start(options: ClusterOptions): Promise<LocalCluster> {
    return new LocalCluster(await Cluster.start(options), options);
  }

  get cluster(): Cluster {
    return this.current;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** True while a reset is under way (the cluster is stopped or starting). */
  get busy(): boolean {
    return this.resetting !== null;
  }

  /** Called with the new cluster after each reset. */
  onReplaced(listener: (cluster: Cluster) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the cluster, deletes its data and starts an empty one (with `next` brokers/port when given). */
  reset(next: Partial<Pick<ClusterOptions, 'brokers' | 'port'>> = {}): Promise<void> {
    this.resetting ??= (async () => {
      try {
        await this.current.stop();
        for (const entry of readdirSync(this.options.dataDir)) {
          if (!KEEP_ON_RESET.has(entry)) rmSync(join(this.options.dataDir, entry), { recursive: true, force: true });
        }
        this.options = { ...this.options, ...next };
        this.current = await Cluster.start(this.options);
        for (const l of this.listeners) l(this.current);
      } finally {
        this.resetting = null;
      }
    })();
    return this.resetting;
  }

  stop(): Promise<void> {
    return this.current.stop();
  }
}
