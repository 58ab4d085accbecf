// Broker worker thread entry: one simulated node. Started by the supervisor with BrokerWorkerData.
import { parentPort, workerData } from 'node:worker_threads';
import type { BrokerCrashMessage, BrokerStartupMessage, BrokerWorkerData, ControllerApi } from '../rpc/broker-rpc.js';
import { connect, exposeOn } from '../rpc/channel.js';
import { Broker } from './broker.js';

async function main(): Promise<void> {
  const data = workerData as BrokerWorkerData;
  const report = (m: BrokerStartupMessage) => parentPort!.postMessage(m);
  let broker: Broker;
  try {
    broker = new Broker({
      brokerId: data.brokerId,
      host: data.host,
      port: data.port,
      dataDir: data.dataDir,
      settings: data.settings,
      controller: connect<ControllerApi>(data.controllerPort),
      peerPorts: data.peerPorts,
      pauseFlag: data.pauseFlag,
    });
  } catch (e) {
    report({ type: 'failed', message: `cannot open the log of broker ${data.brokerId}: ${(e as Error).message}` });
    return;
  }
  // A crash ordered by the supervisor: no transaction is open between two event-loop tasks (they are synchronous),
  // so the thread can end here without leaving LMDB locked.
  parentPort!.on('message', (m: BrokerCrashMessage) => {
    if (m?.type === 'crash') process.exit(1);
  });
  parentPort!.unref();
  exposeOn(data.controlPort, broker);
  try {
    const port = await broker.listen();
    report({ type: 'listening', port });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    report({ type: 'failed', message: err.message, ...(err.code ? { code: err.code } : {}) });
  }
}

void main();
