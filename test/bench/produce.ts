// npm run bench:produce — the produce scenarios of the side-by-side benchmark (test/bench/run.ts), Eddy and
// the reference Kafka: (a) RF=1 acks=1 and (b) RF=3 acks=all, with the librdkafka producer and with Kafka's
// ProducerPerformance. Extra arguments go to the harness, e.g. `npm run bench:produce -- --quick`.
process.argv.splice(2, 0, '--only', 'load', '--scenario', 'produce');
await import('./run.js');

export {};
