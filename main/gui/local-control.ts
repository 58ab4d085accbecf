// The local cluster's powers for the GUI (LocalControlApi): the supervisor's fault injection and settings. They act
// on the app's own cluster whatever connection the page shows; a page on a remote connection hides them.
import type { LinkState, LocalClusterState } from '../contract/ui-api.js';
import { FaultError, type Cluster } from '../supervisor/cluster.js';
import { badRequest, uiError } from './errors.js';
import type { LocalCluster } from './local-cluster.js';

const STATE = { running: 'up', stopped: 'down', paused: 'paused' } as const;

export function localOnly(local: LocalCluster | null): LocalCluster {
  if (!local) throw uiError('LOCAL_ONLY', 'this app runs no local cluster', 'these controls work on the local cluster only');
  if (local.busy) throw uiError('LOCAL_ONLY', 'the local cluster is being reset', 'try again in a moment');
  return local;
}

/** Runs a supervisor action, turning its FaultErrors into BAD_REQUEST with the supervisor's reason. */
export async function faultAction<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FaultError) throw badRequest(`${what}: ${e.message}`);
    throw e;
  }
}

export function brokerId(id: unknown): number {
  if (!Number.isInteger(id) || (id as number) < 0) throw badRequest(`broker id must be a whole number, got ${String(id)}`);
  return id as number;
}

export function linkEnd(end: unknown): number | 'controller' {
  return end === 'controller' ? 'controller' : brokerId(end);
}

export async function localState(cluster: Cluster): Promise<LocalClusterState> {
  const brokers = cluster.brokers().map((b) => ({ id: b.id, port: b.port, state: STATE[b.state], failWritesPending: 0 }));
  const links: LinkState[] = cluster.links().map(({ link, faults }) => {
    const [a, b] = link.split('-');
    const end = (s: string) => (s === 'controller' ? ('controller' as const) : Number(s));
    return { a: end(a!), b: end(b!), cut: faults.cut, delayMs: faults.delayMs, lossRate: faults.loss };
  });
  return { brokers, links };
}
