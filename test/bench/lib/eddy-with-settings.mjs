// Eddy with broker settings the `eddy` CLI has no flags for (e.g. log.cleaner.backoff.ms,
// log.retention.check.interval.ms), for scenarios that set the same broker config on Eddy and on Kafka. It
// starts the built embedded API (out/main/api.js: the same Cluster the CLI runs), prints `bootstrap: …` like
// the CLI, and takes fault commands on stdin, one per line, answering each on stdout:
//   kill ID | restart ID   ->  "ok <command>" or "error <command>: <message>"
//   restart-all            ->  stops the whole cluster cleanly and starts it again on the same data dir (new
//                              ports): "ok restart-all {"ms": start time, "events": [storage events at start]}"
// SIGTERM/SIGINT stop the cluster cleanly.
//
// usage: node eddy-with-settings.mjs --brokers N --data-dir DIR --port P --settings JSON
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: '3' },
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    settings: { type: 'string', default: '{}' },
  },
});
const { startCluster } = await import(new URL('../../../out/main/api.js', import.meta.url).href);
const start = () =>
  startCluster({
    brokers: Number(values.brokers),
    port: Number(values.port),
    dataDir: values['data-dir'],
    config: JSON.parse(values.settings),
  });
let cluster = await start();
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await cluster.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdout.write(`bootstrap: ${cluster.bootstrapServers}\n`);

const lines = createInterface({ input: process.stdin });
// The bench went away without stopping us: stop too.
lines.on('close', () => void stop());
lines.on('line', async (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  try {
    if (cmd === 'kill') await cluster.killBroker(Number(arg));
    else if (cmd === 'restart') await cluster.restartBroker(Number(arg));
    else if (cmd === 'restart-all') {
      await cluster.stop();
      const t0 = performance.now();
      cluster = await start();
      const ms = Math.round(performance.now() - t0);
      const events = cluster.events().filter((e) => e.type.startsWith('storage-')).map((e) => e.detail);
      process.stdout.write(`ok restart-all ${JSON.stringify({ ms, events })}\n`);
      return;
    } else throw new Error('unknown command');
    process.stdout.write(`ok ${line.trim()}\n`);
  } catch (e) {
    process.stdout.write(`error ${line.trim()}: ${e.message}\n`);
  }
});
