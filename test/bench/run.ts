// npm run bench [-- --quick] [-- --json FILE]: Eddy side by side with Apache Kafka 4.4 on this machine.
// Six phases, each starting its own clusters (3 brokers on each side) and stopping them at the end:
//   cold-start    (e) spawn → first acknowledged produce, (f) idle RSS       — one system at a time
//   load          (a) produce RF=1, (b) RF=3 acks=all, (c) consume, (d) end-to-end latency, (f) RSS under load
//   groups        3-member rebalance, offset commit throughput
//   partitions    (g) create 10,000 partitions, full Metadata latency
//   failover      leader crash → new leader acknowledges; crashed follower's catch-up after restart
//   log-cleaning  compaction (time, sizes, produce p99 meanwhile), 1 GB deleted by retention (full runs only)
// Runs alternate between the systems (Eddy, Kafka, Eddy, Kafka …); the report gives medians. See README.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { KAFKA_SH, kafkaAvailable } from '../helpers/reference-kafka.js';
import { compileClients, librdkafkaVersion } from './lib/clients.js';
import { Context, parseOptions, USAGE } from './lib/context.js';
import { describeMachine } from './lib/machine.js';
import { jsonReport, markdownReport, scenariosFromJson } from './lib/report.js';
import { COMMON_SETTINGS } from './lib/systems.js';
import { coldStart } from './scenarios/cold-start.js';
import { E2E_CONFIG, JAVA_PRODUCER, RDKAFKA_CONSUMER, RDKAFKA_PRODUCER, loadPhase } from './scenarios/load.js';
import { partitionsPhase } from './scenarios/partitions.js';
import { groupsPhase } from './scenarios/groups.js';
import { failoverPhase } from './scenarios/failover.js';
import { LOG_CLEANING_SETTINGS, logCleaningPhase } from './scenarios/log-cleaning.js';

const KAFKA_JVM = {
  brokers: '-Xms512m -Xmx512m -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Xshare:auto (+ CDS archive)',
  controller: '-Xms256m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto',
  perfTools: '-Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20',
};

/** --from-json FILE: print the report of an earlier run again (e.g. after a change to the report). */
function renderFromJson(file: string): void {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const header = doc.header ?? [`## Eddy vs Apache Kafka ${doc.kafkaVersion ?? ''} — ${doc.mode} run, ${doc.repetitions} repetition(s), medians`, '', `\`${doc.command}\` — ${doc.startedAt}, took ${doc.durationSeconds} s.`];
  console.log(markdownReport(scenariosFromJson(doc), doc.machineDetail, header));
}

async function main(): Promise<void> {
  const fromJson = process.argv.indexOf('--from-json');
  if (fromJson >= 0) {
    renderFromJson(process.argv[fromJson + 1]!);
    return;
  }
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message || USAGE);
    process.exit(2);
  }
  // Ctrl-C: exit through process.exit so the exit hooks kill Eddy and the Kafka JVMs.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));

  const started = performance.now();
  const loadAtStart = loadavg().map((x) => x.toFixed(2)).join(' ');
  const startedAt = new Date().toISOString();
  const ctx = new Context(opts);
  if (opts.systems.includes('kafka') && !kafkaAvailable().available) {
    console.error('The reference Kafka cannot run here (see above); use --system eddy to measure Eddy alone.');
    process.exit(1);
  }
  compileClients();
  const machine = describeMachine();
  ctx.log(`${opts.quick ? 'quick' : 'full'} run, ${opts.sizes.repetitions} repetition(s), phases: ${[...opts.phases].join(', ')}; ${machine.summary}`);

  const wants = (...names: string[]) => names.some((n) => ctx.wants(n));
  try {
    if (opts.phases.has('cold-start') && wants('cold-start', 'idle-rss')) await coldStart(ctx);
    if (opts.phases.has('load') && wants('produce', 'consume', 'e2e', 'rss-load')) await loadPhase(ctx);
    // groups before partitions: in quick runs the clusters are shared, and a Kafka that has just created
    // 10,000 partitions takes ~10-20 s more to create the groups phase's topic.
    if (opts.phases.has('groups') && wants('rebalance-3', 'commits')) await groupsPhase(ctx);
    if (opts.phases.has('partitions') && wants('create-10k', 'metadata-10k')) await partitionsPhase(ctx);
    if (opts.phases.has('failover') && wants('failover-ms', 'catchup-mb-s')) await failoverPhase(ctx);
    if (opts.phases.has('log-cleaning') && wants('compaction', 'retention-1gb')) await logCleaningPhase(ctx);
  } finally {
    await ctx.stopAll();
  }

  const seconds = (performance.now() - started) / 1000;
  const kafkaVersion = execFileSync('bash', [KAFKA_SH, 'version'], { encoding: 'utf8' }).trim();
  const header = [
    `## Eddy vs Apache Kafka ${kafkaVersion} — ${opts.quick ? 'quick' : 'full'} run, ${opts.sizes.repetitions} repetition(s), medians`,
    '',
    `\`${opts.command}\` — ${startedAt}, took ${seconds.toFixed(0)} s. 3 brokers on each side; runs interleaved Eddy, Kafka, Eddy, Kafka …; never both under load at once${opts.quick ? '; quick run: one cluster per system from the cold start through the partitions phase, fresh ones for failover' : '; fresh clusters for each phase and each cold start'}.`,
    `Broker settings: each system's defaults, with group.initial.rebalance.delay.ms=3000 on both (Kafka's default; kafka.sh sets 0); log-cleaning phase: ${Object.entries(LOG_CLEANING_SETTINGS).map(([k, v]) => `${k}=${v}`).join(' ')} on both. Load average at start: ${loadAtStart}, at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
    `Kafka JVMs (test/reference/kafka.sh): brokers \`${KAFKA_JVM.brokers}\`; controller \`${KAFKA_JVM.controller}\`; perf tools \`${KAFKA_JVM.perfTools}\`.`,
    `Clients: librdkafka ${librdkafkaVersion()} producer \`${Object.entries(RDKAFKA_PRODUCER).map(([k, v]) => `${k}=${v}`).join(' ')}\`; librdkafka consumer \`${Object.entries(RDKAFKA_CONSUMER).map(([k, v]) => `${k}=${v}`).join(' ')}\`; ProducerPerformance \`${Object.entries(JAVA_PRODUCER).map(([k, v]) => `${k}=${v}`).join(' ')}\`; end-to-end \`${Object.entries(E2E_CONFIG).map(([k, v]) => `${k}=${v}`).join(' ')}\`.`,
  ];
  const md = markdownReport(ctx.scenarios, machine, header);
  console.log(`\n${md}\n`);
  const meta = {
    header,
    command: opts.command,
    mode: opts.quick ? 'quick' : 'full',
    repetitions: opts.sizes.repetitions,
    startedAt,
    durationSeconds: Math.round(seconds),
    kafkaVersion,
    librdkafka: librdkafkaVersion(),
    loadAverage: { start: loadAtStart, end: loadavg().map((x) => x.toFixed(2)).join(' ') },
    settings: { brokers: { common: COMMON_SETTINGS, logCleaning: LOG_CLEANING_SETTINGS }, sizes: opts.sizes, kafkaJvm: KAFKA_JVM, rdkafkaProducer: RDKAFKA_PRODUCER, rdkafkaConsumer: RDKAFKA_CONSUMER, javaProducer: JAVA_PRODUCER, e2e: E2E_CONFIG },
  };
  if (opts.json) {
    writeFileSync(opts.json, `${JSON.stringify(jsonReport(ctx.scenarios, machine, meta), null, 2)}\n`);
    ctx.log(`wrote ${opts.json}`);
  }
  if (opts.markdown) {
    writeFileSync(opts.markdown, `${md}\n`);
    ctx.log(`wrote ${opts.markdown}`);
  }
  ctx.log(`done in ${seconds.toFixed(0)} s`);
}

await main();
