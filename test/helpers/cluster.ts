// Clusters for integration tests, started through the public embedded API (the built package), exactly
// as another project's test suite would.
import { startCluster, type RunningCluster, type StartClusterOptions } from 'eddy';

export type { RunningCluster };

export async function withCluster<T>(opts: StartClusterOptions, fn: (c: RunningCluster) => Promise<T>): Promise<T> {
  const cluster = await startCluster({ port: 0, ...opts });
  try {
    return await fn(cluster);
  } finally {
    await cluster.stop();
  }
}

export { startCluster };
