// Differential: ApiVersions (v0-v4 and an unsupported version). Eddy serves fewer APIs than Kafka 4.4, some over
// narrower ranges; instead of ignoring the answer, this file states exactly which ones (KNOWN-GAPS.md, "APIs") and
// checks the rest: every API Eddy advertises is one Kafka advertises, its range equals Kafka's unless listed below,
// and no listed range or missing API goes stale.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { kafkaAvailable } from '../helpers/reference-kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { API_KEYS } from '../../worker/protocol/generated/api-keys.js';
import { COMMON, expectSame, printToleratedSummary, startPair, type Pair, type System } from './harness.js';

const kafka = kafkaAvailable();

/** APIs Kafka 4.4 (one combined node) advertises that Eddy does not serve yet, and why. */
const MISSING: Record<number, string> = {
  17: 'SaslHandshake: no SASL (plaintext listener only)',
  24: 'AddPartitionsToTxn: transactions are not implemented',
  25: 'AddOffsetsToTxn: transactions',
  26: 'EndTxn: transactions',
  27: 'WriteTxnMarkers: transactions',
  28: 'TxnOffsetCommit: transactions',
  29: 'DescribeAcls: no authorizer',
  30: 'CreateAcls: no authorizer',
  31: 'DeleteAcls: no authorizer',
  34: 'AlterReplicaLogDirs: one log dir per broker',
  36: 'SaslAuthenticate: no SASL',
  38: 'CreateDelegationToken: no SASL/delegation tokens',
  39: 'RenewDelegationToken: no delegation tokens',
  40: 'ExpireDelegationToken: no delegation tokens',
  41: 'DescribeDelegationToken: no delegation tokens',
  48: 'DescribeClientQuotas: no quotas',
  49: 'AlterClientQuotas: no quotas',
  50: 'DescribeUserScramCredentials: no SASL',
  51: 'AlterUserScramCredentials: no SASL',
  55: 'DescribeQuorum: the controller is not a Raft quorum',
  57: 'UpdateFeatures: no feature flags',
  61: 'DescribeProducers: not implemented',
  64: 'UnregisterBroker: brokers are managed by the supervisor',
  65: 'DescribeTransactions: transactions',
  66: 'ListTransactions: transactions',
  74: 'ListConfigResources: not implemented',
  75: 'DescribeTopicPartitions: not implemented (KIP-966 describe)',
  76: 'ShareGroupHeartbeat: share groups (KIP-932)',
  77: 'ShareGroupDescribe: share groups',
  78: 'ShareFetch: share groups',
  79: 'ShareAcknowledge: share groups',
  80: 'AddRaftVoter: the controller is not a Raft quorum',
  81: 'RemoveRaftVoter: the controller is not a Raft quorum',
  83: 'InitializeShareGroupState: share groups',
  84: 'ReadShareGroupState: share groups',
  85: 'WriteShareGroupState: share groups',
  86: 'DeleteShareGroupState: share groups',
  87: 'ReadShareGroupStateSummary: share groups',
  88: 'StreamsGroupHeartbeat: KIP-1071 streams groups',
  89: 'StreamsGroupDescribe: streams groups',
  90: 'DescribeShareGroupOffsets: share groups',
  91: 'AlterShareGroupOffsets: share groups',
  92: 'DeleteShareGroupOffsets: share groups',
  93: 'StreamsGroupTopologyDescriptionUpdate: streams groups (newer than the protocol definitions Eddy generates from)',
  94: 'UnregisterController: the controller is not a Raft quorum (newer than the protocol definitions)',
};

/** Names of API keys newer than the protocol definitions in the codec. */
const NEWER_API_NAMES: Record<number, string> = { 93: 'StreamsGroupTopologyDescriptionUpdate', 94: 'UnregisterController' };

/**
 * APIs Eddy serves over a range different from Kafka's, with both ranges. Eddy's range must lie inside Kafka's; a
 * range that is no longer different fails the test until its entry is removed.
 */
const RANGES: Record<number, { eddy: [number, number]; kafka: [number, number]; reason: string }> = {};

interface Range {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

function apiName(key: number): string {
  return API_KEYS.find((k) => k.apiKey === key)?.name ?? NEWER_API_NAMES[key] ?? `api ${key}`;
}

/** Highest version of an API in Eddy's generated codec (the protocol definitions it was generated from). */
function codecMax(key: number): number {
  return API_KEYS.find((k) => k.apiKey === key)?.validVersions[1] ?? -1;
}

describe.skipIf(!kafka.available)('differential: ApiVersions', () => {
  let pair: Pair;

  beforeAll(async () => {
    pair = await startPair({ nodes: 1 });
  }, 240_000);

  afterAll(async () => {
    printToleratedSummary('api-versions.test.ts');
    await pair?.stop();
  });

  for (const v of [0, 1, 2, 3, 4] as const) {
    test(`v${v}: the APIs and ranges Eddy advertises match Kafka's, apart from the known gaps`, async () => {
      const body = v >= 3 ? { clientSoftwareName: 'eddy-differential', clientSoftwareVersion: '1.0' } : {};
      const r = await pair.both((s) => s.request(18, v, body));
      const eddyKeys: Range[] = r.eddy.apiKeys;
      const kafkaKeys: Range[] = r.kafka.apiKeys;
      const byKey = new Map(kafkaKeys.map((k) => [k.apiKey, k]));
      const problems: string[] = [];
      const notes: string[] = [];

      for (const e of eddyKeys) {
        const k = byKey.get(e.apiKey);
        const name = `${apiName(e.apiKey)} (${e.apiKey})`;
        if (!k) {
          problems.push(`${name}: Eddy advertises v${e.minVersion}-${e.maxVersion}, Kafka does not advertise it`);
          continue;
        }
        const ranges = `eddy v${e.minVersion}-${e.maxVersion} vs kafka v${k.minVersion}-${k.maxVersion}`;
        const known = RANGES[e.apiKey];
        const same = e.minVersion === k.minVersion && e.maxVersion === k.maxVersion;
        if (e.minVersion < k.minVersion || e.maxVersion > k.maxVersion) {
          problems.push(`${name}: ${ranges} (outside Kafka's range)`);
        } else if (known) {
          if (same || known.eddy.join() !== `${e.minVersion},${e.maxVersion}` || known.kafka.join() !== `${k.minVersion},${k.maxVersion}`) {
            problems.push(`${name}: ${ranges}, but RANGES says ${known.eddy.join('-')} vs ${known.kafka.join('-')}: update it`);
          } else notes.push(`${name}: ${ranges} (${known.reason})`);
        } else if (!same) {
          // KNOWN-GAPS.md "Protocol definitions": the codec is generated from definitions that predate Kafka 4.4, so an
          // API served up to the codec's highest version stops below Kafka 4.4's newest one. Anything else fails.
          if (e.minVersion === k.minVersion && e.maxVersion === codecMax(e.apiKey)) notes.push(`${name}: ${ranges} (codec definitions end at v${e.maxVersion})`);
          else problems.push(`${name}: ${ranges} (not a known gap)`);
        }
        // APIs land while this list is maintained (groups are being built): a stale entry is a notice, not a failure.
        if (MISSING[e.apiKey]) notes.push(`${name}: served now; remove it from MISSING in api-versions.test.ts and from KNOWN-GAPS.md`);
      }
      const served = new Set(eddyKeys.map((e) => e.apiKey));
      for (const k of kafkaKeys) {
        if (!served.has(k.apiKey) && !MISSING[k.apiKey]) problems.push(`${apiName(k.apiKey)} (${k.apiKey}): Kafka advertises v${k.minVersion}-${k.maxVersion}, Eddy lacks it and it is not a known gap`);
      }
      for (const key of Object.keys(MISSING).map(Number)) {
        if (!byKey.has(key)) problems.push(`${apiName(key)} (${key}): listed in MISSING but Kafka does not advertise it`);
      }
      if (v === 4 && notes.length > 0) console.log(`[differential] ApiVersions known range gaps and notices:\n  ${notes.join('\n  ')}`);
      expect(problems, problems.join('\n')).toEqual([]);

      // Everything but the API list is compared field by field.
      expectSame(`api versions v${v}`, { ...r.eddy, apiKeys: undefined }, { ...r.kafka, apiKeys: undefined }, [
        ...COMMON,
        {
          path: 'supportedFeatures',
          reason: 'KNOWN-GAPS.md "Feature flags": Eddy advertises no features on purpose (transaction.version would move clients to KIP-890 transactions)',
          normalize: (f: { name: string }[]) => f.map((x) => x.name).sort(),
          eddy: [],
          // KIP-1022: v3 leaves out features whose lowest supported level is 0.
          kafka: v === 3 ? ['metadata.version'] : v >= 4 ? ['eligible.leader.replicas.version', 'group.version', 'kraft.version', 'metadata.version', 'share.version', 'streams.version', 'transaction.version'] : [],
        },
        {
          path: 'finalizedFeatures',
          reason: 'KNOWN-GAPS.md "Feature flags": no finalized features either',
          normalize: (f: { name: string }[]) => f.map((x) => x.name).sort(),
          eddy: [],
          kafka: v >= 3 ? ['eligible.leader.replicas.version', 'group.version', 'metadata.version', 'share.version', 'streams.version', 'transaction.version'] : [],
        },
        {
          path: 'finalizedFeaturesEpoch',
          reason: 'KNOWN-GAPS.md "Feature flags": no metadata log offset for features',
          normalize: (e: bigint) => (e >= 0n ? 'an epoch' : e),
          eddy: -1n,
          kafka: v >= 3 ? 'an epoch' : -1n,
        },
      ]);
    });
  }

  test('an unsupported ApiVersions version gets the KIP-511 answer: v0 body, UNSUPPORTED_VERSION, ApiVersions range', async () => {
    const r = await pair.both(async (s: System) => {
      const c = await s.connect();
      const frame = RawClient.frame(18, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }, 42);
      frame.writeInt16BE(99, 6); // request_api_version in the header
      c.writeRaw(frame);
      const answer = await c.nextFrame();
      c.close();
      return answer && RawClient.decodeResponse(18, 0, answer, 42);
    });
    expectSame('unsupported version', r.eddy, r.kafka, [
      ...COMMON,
      { path: 'apiKeys[0].maxVersion', reason: 'KNOWN-GAPS.md "Protocol definitions": ApiVersions v5 is newer than the codec', eddy: 4, kafka: 5 },
    ]);
  });
});
