// The broker configs Eddy describes, with Kafka 4.4's types and defaults (a null default: Kafka has none), whether
// Eddy can change them at run time, the names of every Kafka 4.4 broker config, Kafka's broker-level synonyms
// (DynamicBrokerConfig.brokerConfigSynonyms) and the checks Kafka makes on dynamic broker configs beyond the topic
// configs' validators. Captured from and compared with the reference broker (test/differential/configs-admin.test.ts).
import { TOPIC_CONFIGS, parseConfigValue, validateValue, type ConfigDef, type ConfigType } from './topic-configs.js';

export interface BrokerConfigDef {
  name: string;
  type: ConfigType;
  /** Kafka's default as it prints it; null when Kafka has none. */
  defaultValue: string | null;
  /** Can be changed at run time (kafka-configs --alter --entity-type brokers): Kafka's read-only flag is !dynamic. */
  dynamic: boolean;
}

export const BROKER_CONFIG_DEFS: readonly BrokerConfigDef[] = [
  { name: 'advertised.listeners', type: 'list', defaultValue: null, dynamic: false },
  { name: 'auto.create.topics.enable', type: 'boolean', defaultValue: 'true', dynamic: false },
  { name: 'auto.leader.rebalance.enable', type: 'boolean', defaultValue: 'true', dynamic: false },
  { name: 'broker.heartbeat.interval.ms', type: 'int', defaultValue: '2000', dynamic: false },
  { name: 'broker.id', type: 'int', defaultValue: '-1', dynamic: false },
  { name: 'broker.session.timeout.ms', type: 'int', defaultValue: '9000', dynamic: false },
  { name: 'compression.gzip.level', type: 'int', defaultValue: '-1', dynamic: true },
  { name: 'compression.lz4.level', type: 'int', defaultValue: '9', dynamic: true },
  { name: 'compression.type', type: 'string', defaultValue: 'producer', dynamic: true },
  { name: 'compression.zstd.level', type: 'int', defaultValue: '3', dynamic: true },
  { name: 'default.replication.factor', type: 'int', defaultValue: '1', dynamic: false },
  { name: 'group.consumer.assignors', type: 'list', defaultValue: 'uniform,range', dynamic: false },
  { name: 'group.consumer.heartbeat.interval.ms', type: 'int', defaultValue: '5000', dynamic: false },
  { name: 'group.consumer.max.size', type: 'int', defaultValue: '2147483647', dynamic: false },
  { name: 'group.consumer.session.timeout.ms', type: 'int', defaultValue: '45000', dynamic: false },
  { name: 'group.initial.rebalance.delay.ms', type: 'int', defaultValue: '3000', dynamic: false },
  { name: 'group.max.session.timeout.ms', type: 'int', defaultValue: '1800000', dynamic: false },
  { name: 'group.max.size', type: 'int', defaultValue: '2147483647', dynamic: false },
  { name: 'group.min.session.timeout.ms', type: 'int', defaultValue: '6000', dynamic: false },
  { name: 'leader.imbalance.check.interval.seconds', type: 'long', defaultValue: '300', dynamic: false },
  // Dynamic in Kafka; Eddy reads it once at start (KNOWN-GAPS.md).
  { name: 'log.cleaner.backoff.ms', type: 'long', defaultValue: '15000', dynamic: false },
  { name: 'log.cleaner.delete.retention.ms', type: 'long', defaultValue: '86400000', dynamic: true },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'long', defaultValue: '9223372036854775807', dynamic: true },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'double', defaultValue: '0.5', dynamic: true },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'long', defaultValue: '0', dynamic: true },
  { name: 'log.cleanup.policy', type: 'list', defaultValue: 'delete', dynamic: true },
  { name: 'log.flush.interval.messages', type: 'long', defaultValue: '9223372036854775807', dynamic: true },
  { name: 'log.flush.interval.ms', type: 'long', defaultValue: null, dynamic: true },
  { name: 'log.flush.scheduler.interval.ms', type: 'long', defaultValue: '9223372036854775807', dynamic: false },
  { name: 'log.index.interval.bytes', type: 'int', defaultValue: '4096', dynamic: true },
  { name: 'log.index.size.max.bytes', type: 'int', defaultValue: '10485760', dynamic: true },
  { name: 'log.local.retention.bytes', type: 'long', defaultValue: '-2', dynamic: true },
  { name: 'log.local.retention.ms', type: 'long', defaultValue: '-2', dynamic: true },
  { name: 'log.message.timestamp.after.max.ms', type: 'long', defaultValue: '3600000', dynamic: true },
  { name: 'log.message.timestamp.before.max.ms', type: 'long', defaultValue: '9223372036854775807', dynamic: true },
  { name: 'log.message.timestamp.type', type: 'string', defaultValue: 'CreateTime', dynamic: true },
  { name: 'log.preallocate', type: 'boolean', defaultValue: 'false', dynamic: true },
  { name: 'log.remote.copy.lag.bytes', type: 'long', defaultValue: '-1', dynamic: true },
  { name: 'log.remote.copy.lag.ms', type: 'long', defaultValue: '0', dynamic: true },
  { name: 'log.retention.bytes', type: 'long', defaultValue: '-1', dynamic: true },
  { name: 'log.retention.check.interval.ms', type: 'long', defaultValue: '300000', dynamic: false },
  { name: 'log.retention.hours', type: 'int', defaultValue: '168', dynamic: false },
  { name: 'log.retention.minutes', type: 'int', defaultValue: null, dynamic: false },
  { name: 'log.retention.ms', type: 'long', defaultValue: null, dynamic: true },
  { name: 'log.roll.hours', type: 'int', defaultValue: '168', dynamic: false },
  { name: 'log.roll.jitter.hours', type: 'int', defaultValue: '0', dynamic: false },
  { name: 'log.roll.jitter.ms', type: 'long', defaultValue: null, dynamic: true },
  { name: 'log.roll.ms', type: 'long', defaultValue: null, dynamic: true },
  { name: 'log.segment.bytes', type: 'int', defaultValue: '1073741824', dynamic: true },
  { name: 'log.segment.delete.delay.ms', type: 'long', defaultValue: '60000', dynamic: true },
  { name: 'max.decompressed.message.bytes', type: 'int', defaultValue: '2147483639', dynamic: true },
  { name: 'message.max.bytes', type: 'int', defaultValue: '1048588', dynamic: true },
  { name: 'min.insync.replicas', type: 'int', defaultValue: '1', dynamic: true },
  { name: 'node.id', type: 'int', defaultValue: null, dynamic: false },
  { name: 'num.partitions', type: 'int', defaultValue: '1', dynamic: false },
  { name: 'offset.metadata.max.bytes', type: 'int', defaultValue: '4096', dynamic: false },
  { name: 'offsets.retention.check.interval.ms', type: 'long', defaultValue: '600000', dynamic: false },
  { name: 'offsets.retention.minutes', type: 'int', defaultValue: '10080', dynamic: false },
  { name: 'offsets.topic.num.partitions', type: 'int', defaultValue: '50', dynamic: false },
  { name: 'offsets.topic.replication.factor', type: 'short', defaultValue: '3', dynamic: false },
  { name: 'process.roles', type: 'list', defaultValue: null, dynamic: false },
  { name: 'replica.lag.time.max.ms', type: 'long', defaultValue: '30000', dynamic: false },
  { name: 'socket.request.max.bytes', type: 'int', defaultValue: '104857600', dynamic: false },
  { name: 'unclean.leader.election.enable', type: 'boolean', defaultValue: 'false', dynamic: true },
];

export const BROKER_CONFIG_BY_NAME: ReadonlyMap<string, BrokerConfigDef> = new Map(BROKER_CONFIG_DEFS.map((d) => [d.name, d]));

/** Every broker config Kafka 4.4 knows (KafkaConfig.configKeys); a name outside it is a custom config. */
export const KAFKA_BROKER_CONFIG_NAMES: ReadonlySet<string> = new Set(
  (
  'add.partitions.to.txn.retry.backoff.max.ms add.partitions.to.txn.retry.backoff.ms advertised.listeners ' +
  'alter.config.policy.class.name alter.log.dirs.replication.quota.window.num ' +
  'alter.log.dirs.replication.quota.window.size.seconds authorizer.class.name auto.create.topics.enable ' +
  'auto.leader.rebalance.enable background.threads broker.heartbeat.interval.ms broker.id broker.rack ' +
  'broker.session.timeout.ms client.quota.callback.class compression.gzip.level compression.lz4.level ' +
  'compression.type compression.zstd.level config.providers connection.failed.authentication.delay.ms ' +
  'connections.max.idle.ms connections.max.reauth.ms controlled.shutdown.enable controller.listener.names ' +
  'controller.quorum.append.linger.ms controller.quorum.auto.join.enable controller.quorum.bootstrap.servers ' +
  'controller.quorum.election.backoff.max.ms controller.quorum.election.timeout.ms ' +
  'controller.quorum.fetch.max.bytes controller.quorum.fetch.snapshot.max.bytes ' +
  'controller.quorum.fetch.timeout.ms controller.quorum.request.timeout.ms controller.quorum.retry.backoff.ms ' +
  'controller.quorum.voters controller.quota.window.num controller.quota.window.size.seconds ' +
  'controller.socket.timeout.ms cordoned.log.dirs create.topic.policy.class.name default.replication.factor ' +
  'delegation.token.expiry.check.interval.ms delegation.token.expiry.time.ms delegation.token.max.lifetime.ms ' +
  'delegation.token.secret.key delete.records.purgatory.purge.interval.requests delete.topic.enable ' +
  'early.start.listeners errors.deadletterqueue.auto.create.topics.enable ' +
  'errors.deadletterqueue.topic.name.prefix fetch.max.bytes fetch.purgatory.purge.interval.requests ' +
  'follower.fetch.last.tiered.offset.enable group.consumer.assignment.interval.ms group.consumer.assignors ' +
  'group.consumer.heartbeat.interval.ms group.consumer.max.assignment.interval.ms ' +
  'group.consumer.max.heartbeat.interval.ms group.consumer.max.session.timeout.ms group.consumer.max.size ' +
  'group.consumer.migration.policy group.consumer.min.assignment.interval.ms ' +
  'group.consumer.min.heartbeat.interval.ms group.consumer.min.session.timeout.ms ' +
  'group.consumer.session.timeout.ms group.coordinator.append.linger.ms group.coordinator.background.threads ' +
  'group.coordinator.cached.buffer.max.bytes group.coordinator.rebalance.protocols group.coordinator.threads ' +
  'group.initial.rebalance.delay.ms group.max.session.timeout.ms group.max.size group.min.session.timeout.ms ' +
  'group.share.assignment.interval.ms group.share.assignors group.share.delivery.count.limit ' +
  'group.share.heartbeat.interval.ms group.share.max.assignment.interval.ms group.share.max.delivery.count.limit ' +
  'group.share.max.heartbeat.interval.ms group.share.max.partition.max.record.locks ' +
  'group.share.max.record.lock.duration.ms group.share.max.session.timeout.ms group.share.max.share.sessions ' +
  'group.share.max.size group.share.min.assignment.interval.ms group.share.min.delivery.count.limit ' +
  'group.share.min.heartbeat.interval.ms group.share.min.partition.max.record.locks ' +
  'group.share.min.record.lock.duration.ms group.share.min.session.timeout.ms ' +
  'group.share.partition.max.record.locks group.share.record.lock.duration.ms group.share.session.timeout.ms ' +
  'group.streams.assignment.interval.ms group.streams.assignors group.streams.heartbeat.interval.ms ' +
  'group.streams.initial.rebalance.delay.ms group.streams.max.assignment.interval.ms ' +
  'group.streams.max.heartbeat.interval.ms group.streams.max.session.timeout.ms group.streams.max.size ' +
  'group.streams.max.standby.replicas group.streams.min.assignment.interval.ms ' +
  'group.streams.min.heartbeat.interval.ms group.streams.min.session.timeout.ms ' +
  'group.streams.num.standby.replicas group.streams.rack.aware.assignment.tags group.streams.session.timeout.ms ' +
  'group.streams.topology.description.plugin.class initial.broker.registration.timeout.ms ' +
  'inter.broker.listener.name kafka.metrics.polling.interval.secs kafka.metrics.reporters ' +
  'leader.imbalance.check.interval.seconds listener.security.protocol.map listeners log.cleaner.backoff.ms ' +
  'log.cleaner.dedupe.buffer.size log.cleaner.delete.retention.ms log.cleaner.enable ' +
  'log.cleaner.io.buffer.load.factor log.cleaner.io.buffer.size log.cleaner.io.max.bytes.per.second ' +
  'log.cleaner.max.compaction.lag.ms log.cleaner.min.cleanable.ratio log.cleaner.min.compaction.lag.ms ' +
  'log.cleaner.threads log.cleanup.policy log.dir log.dir.failure.timeout.ms log.dirs log.flush.interval.messages ' +
  'log.flush.interval.ms log.flush.offset.checkpoint.interval.ms log.flush.scheduler.interval.ms ' +
  'log.flush.start.offset.checkpoint.interval.ms log.index.interval.bytes log.index.size.max.bytes ' +
  'log.local.retention.bytes log.local.retention.ms log.message.timestamp.after.max.ms ' +
  'log.message.timestamp.before.max.ms log.message.timestamp.type log.preallocate log.remote.copy.lag.bytes ' +
  'log.remote.copy.lag.ms log.retention.bytes log.retention.check.interval.ms log.retention.hours ' +
  'log.retention.minutes log.retention.ms log.roll.hours log.roll.jitter.hours log.roll.jitter.ms log.roll.ms ' +
  'log.segment.bytes log.segment.delete.delay.ms max.connection.creation.rate max.connections ' +
  'max.connections.per.ip max.connections.per.ip.overrides max.decompressed.message.bytes ' +
  'max.incremental.fetch.session.cache.slots max.request.partition.size.limit message.max.bytes metadata.log.dir ' +
  'metadata.log.max.record.bytes.between.snapshots metadata.log.max.snapshot.interval.ms ' +
  'metadata.log.segment.bytes metadata.log.segment.ms metadata.max.idle.interval.ms metadata.max.retention.bytes ' +
  'metadata.max.retention.ms metric.reporters metrics.num.samples metrics.recording.level ' +
  'metrics.sample.window.ms min.insync.replicas node.id num.io.threads num.network.threads num.partitions ' +
  'num.recovery.threads.per.data.dir num.replica.alter.log.dirs.threads num.replica.fetchers ' +
  'offset.metadata.max.bytes offsets.commit.timeout.ms offsets.load.buffer.size ' +
  'offsets.retention.check.interval.ms offsets.retention.minutes offsets.topic.compression.codec ' +
  'offsets.topic.num.partitions offsets.topic.replication.factor offsets.topic.segment.bytes ' +
  'principal.builder.class process.roles producer.id.expiration.ms producer.purgatory.purge.interval.requests ' +
  'queued.max.request.bytes queued.max.requests quota.window.num quota.window.size.seconds ' +
  'remote.fetch.max.wait.ms remote.list.offsets.request.timeout.ms remote.log.index.file.cache.total.size.bytes ' +
  'remote.log.manager.copier.thread.pool.size remote.log.manager.copy.max.bytes.per.second ' +
  'remote.log.manager.copy.quota.window.num remote.log.manager.copy.quota.window.size.seconds ' +
  'remote.log.manager.expiration.thread.pool.size remote.log.manager.fetch.max.bytes.per.second ' +
  'remote.log.manager.fetch.quota.window.num remote.log.manager.fetch.quota.window.size.seconds ' +
  'remote.log.manager.follower.thread.pool.size remote.log.manager.task.interval.ms ' +
  'remote.log.manager.thread.pool.size remote.log.metadata.custom.metadata.max.bytes ' +
  'remote.log.metadata.manager.class.name remote.log.metadata.manager.class.path ' +
  'remote.log.metadata.manager.impl.prefix remote.log.metadata.manager.listener.name ' +
  'remote.log.reader.max.pending.tasks remote.log.reader.threads remote.log.storage.manager.class.name ' +
  'remote.log.storage.manager.class.path remote.log.storage.manager.impl.prefix remote.log.storage.system.enable ' +
  'replica.fetch.backoff.ms replica.fetch.max.bytes replica.fetch.min.bytes replica.fetch.response.max.bytes ' +
  'replica.fetch.wait.max.ms replica.high.watermark.checkpoint.interval.ms replica.lag.time.max.ms ' +
  'replica.selector.class replica.socket.receive.buffer.bytes replica.socket.timeout.ms ' +
  'replication.quota.window.num replication.quota.window.size.seconds request.timeout.ms ' +
  'sasl.client.callback.handler.class sasl.enabled.mechanisms sasl.jaas.config sasl.kerberos.kinit.cmd ' +
  'sasl.kerberos.min.time.before.relogin sasl.kerberos.principal.to.local.rules sasl.kerberos.service.name ' +
  'sasl.kerberos.ticket.renew.jitter sasl.kerberos.ticket.renew.window.factor sasl.login.callback.handler.class ' +
  'sasl.login.class sasl.login.connect.timeout.ms sasl.login.read.timeout.ms sasl.login.refresh.buffer.seconds ' +
  'sasl.login.refresh.min.period.seconds sasl.login.refresh.window.factor sasl.login.refresh.window.jitter ' +
  'sasl.login.retry.backoff.max.ms sasl.login.retry.backoff.ms sasl.mechanism.controller.protocol ' +
  'sasl.mechanism.inter.broker.protocol sasl.oauthbearer.allow.unverified.audience ' +
  'sasl.oauthbearer.allow.unverified.issuer sasl.oauthbearer.assertion.algorithm ' +
  'sasl.oauthbearer.assertion.claim.aud sasl.oauthbearer.assertion.claim.exp.seconds ' +
  'sasl.oauthbearer.assertion.claim.iss sasl.oauthbearer.assertion.claim.jti.include ' +
  'sasl.oauthbearer.assertion.claim.nbf.seconds sasl.oauthbearer.assertion.claim.sub ' +
  'sasl.oauthbearer.assertion.file sasl.oauthbearer.assertion.private.key.file ' +
  'sasl.oauthbearer.assertion.private.key.passphrase sasl.oauthbearer.assertion.template.file ' +
  'sasl.oauthbearer.client.credentials.client.id sasl.oauthbearer.client.credentials.client.secret ' +
  'sasl.oauthbearer.clock.skew.seconds sasl.oauthbearer.expected.audience sasl.oauthbearer.expected.issuer ' +
  'sasl.oauthbearer.jwks.endpoint.refresh.ms sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms ' +
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms sasl.oauthbearer.jwks.endpoint.url ' +
  'sasl.oauthbearer.jwt.retriever.class sasl.oauthbearer.jwt.validator.class sasl.oauthbearer.scope ' +
  'sasl.oauthbearer.scope.claim.name sasl.oauthbearer.sub.claim.name sasl.oauthbearer.token.endpoint.url ' +
  'sasl.server.callback.handler.class sasl.server.max.receive.size security.inter.broker.protocol ' +
  'security.providers share.coordinator.append.linger.ms share.coordinator.cached.buffer.max.bytes ' +
  'share.coordinator.load.buffer.size share.coordinator.snapshot.update.records.per.snapshot ' +
  'share.coordinator.state.topic.compression.codec share.coordinator.state.topic.min.isr ' +
  'share.coordinator.state.topic.num.partitions share.coordinator.state.topic.replication.factor ' +
  'share.coordinator.state.topic.segment.bytes share.coordinator.threads share.coordinator.write.timeout.ms ' +
  'share.fetch.purgatory.purge.interval.requests socket.connection.setup.timeout.max.ms ' +
  'socket.connection.setup.timeout.ms socket.listen.backlog.size socket.receive.buffer.bytes ' +
  'socket.request.max.bytes socket.send.buffer.bytes ssl.allow.dn.changes ssl.allow.san.changes ssl.cipher.suites ' +
  'ssl.client.auth ssl.enabled.protocols ssl.endpoint.identification.algorithm ssl.engine.factory.class ' +
  'ssl.key.password ssl.keymanager.algorithm ssl.keystore.certificate.chain ssl.keystore.key ' +
  'ssl.keystore.location ssl.keystore.password ssl.keystore.type ssl.principal.mapping.rules ssl.protocol ' +
  'ssl.provider ssl.secure.random.implementation ssl.trustmanager.algorithm ssl.truststore.certificates ' +
  'ssl.truststore.location ssl.truststore.password ssl.truststore.type telemetry.max.bytes ' +
  'transaction.abort.timed.out.transaction.cleanup.interval.ms transaction.max.timeout.ms ' +
  'transaction.partition.verification.enable transaction.remove.expired.transaction.cleanup.interval.ms ' +
  'transaction.state.log.load.buffer.size transaction.state.log.min.isr transaction.state.log.num.partitions ' +
  'transaction.state.log.replication.factor transaction.state.log.segment.bytes ' +
  'transaction.two.phase.commit.enable transactional.id.expiration.ms unclean.leader.election.enable'
  ).split(' '),
);

/** Topic configs by their broker-level synonym: the broker configs Eddy changes at run time (the topic defaults). */
export const TOPIC_DEFAULTS_BY_BROKER_NAME: ReadonlyMap<string, ConfigDef> = new Map(
  TOPIC_CONFIGS.filter((d) => d.brokerSynonym).map((d) => [d.brokerSynonym!, d]),
);

/** DynamicBrokerConfig.brokerConfigSynonyms: the names a broker config's value may come from, most specific first. */
export function brokerConfigSynonyms(name: string): string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    default:
      return [name];
  }
}

/**
 * Broker configs whose Kafka definition has no validator where the topic config has one; KafkaConfig checks them
 * with require(...) instead (negative log.retention.ms means unlimited, so only 0 fails).
 */
const BROKER_REQUIREMENTS: Record<string, (n: bigint) => string | null> = {
  'log.retention.ms': (n) => (n === 0n ? 'requirement failed: log.retention.ms must be unlimited (-1) or, greater than or equal to 1' : null),
  'log.roll.ms': (n) => (n < 1n ? 'requirement failed: log.roll.ms must be greater than or equal to 1' : null),
  'log.roll.jitter.ms': (n) => (n < 0n ? 'requirement failed: log.roll.jitter.ms must be greater than or equal to 0' : null),
  'log.flush.interval.ms': () => null,
};

/** Checks one dynamic broker config value (the broker name of a topic default): Kafka's message, or null. */
export function validateDynamicBrokerValue(name: string, value: string): string | null {
  const def = TOPIC_DEFAULTS_BY_BROKER_NAME.get(name);
  if (!def) return null;
  const requirement = BROKER_REQUIREMENTS[name];
  if (!requirement) return validateValue(name, def.type, def.validator, value);
  const parsed = parseConfigValue(name, def.type, value);
  return 'error' in parsed ? parsed.error : requirement(parsed.value as bigint);
}

/**
 * The tiered-storage retention checks Kafka makes over a broker's dynamic configs as a whole
 * (`effective`: the values set on the resource, then the cluster defaults; undefined where none is set). Kafka wraps
 * these messages in "Invalid dynamic configuration".
 */
export function validateDynamicBrokerSet(effective: (name: string) => string | undefined): string | null {
  const num = (name: string, fallback: bigint): bigint => {
    const v = effective(name);
    const parsed = v === undefined ? null : parseConfigValue(name, 'long', v);
    return parsed && 'value' in parsed ? (parsed.value as bigint) : fallback;
  };
  const wrap = (name: string, why: string) =>
    `Invalid value org.apache.kafka.common.config.ConfigException: Invalid value ${num(name, 0n)} for configuration ${name}: ${why} for configuration Invalid dynamic configuration`;
  for (const unit of ['ms', 'bytes'] as const) {
    const retentionName = `log.retention.${unit}`;
    const localName = `log.local.retention.${unit}`;
    const lagName = `log.remote.copy.lag.${unit}`;
    let retention = num(retentionName, unit === 'ms' ? 604800000n : -1n);
    if (retention < 0n) retention = -1n;
    const local = num(localName, -2n);
    if (effective(localName) !== undefined && retention !== -1n) {
      if (local === -1n) return wrap(localName, `Value must not be -1 as ${retentionName} value is set as ${retention}.`);
      if (local > retention) return wrap(localName, `Value must not be more than ${retentionName} property value: ${retention}`);
    }
    const localEffective = local === -2n ? retention : local;
    if (effective(lagName) !== undefined && localEffective >= 0n && num(lagName, 0n) > localEffective) {
      return wrap(lagName, `Value must not exceed ${localName} (effective value: ${localEffective})`);
    }
  }
  return null;
}

/**
 * Kafka 4.x formats a cluster with a cluster-level min.insync.replicas (KIP-966, for eligible leader replicas); Eddy
 * keeps it implicit until someone sets it. It cannot be removed while ELR is on, which Kafka 4.4 has by default.
 */
export const CLUSTER_MIN_INSYNC_REPLICAS = TOPIC_CONFIGS.find((d) => d.name === 'min.insync.replicas')!.defaultValue;

/** The cluster-wide dynamic broker configs (MetadataImage.configs), with the implicit cluster-level min.insync.replicas. */
export function clusterBrokerConfigs(configs: ReadonlyMap<string, ReadonlyMap<string, string>>): ReadonlyMap<string, string> {
  const stored = configs.get('broker:') ?? new Map<string, string>();
  return stored.has('min.insync.replicas') ? stored : new Map([...stored, ['min.insync.replicas', CLUSTER_MIN_INSYNC_REPLICAS]]);
}
