// confluent-kafka-python consumer groups against a 3-broker Eddy over real TCP, each member a process of its own
// (test/integration/groups/py_group_member.py):
//   - Debian's python3-confluent-kafka 1.7.0 (librdkafka 2.0.2), classic protocol, range assignor: two members,
//     a third joins mid-stream, one is stopped cleanly (close(): commit + LeaveGroup);
//   - PyPI's confluent-kafka 2.16.1 (bundled librdkafka 2.16) from the venv made by
//     test/helpers/setup-python-clients.sh: the same with cooperative-sticky, and with group.protocol=consumer
//     (KIP-848: ConsumerGroupHeartbeat, server-side assignment, OffsetCommit v9 with member epochs), checked
//     through ConsumerGroupDescribe.
// Every scenario checks: no record lost (redeliveries only after partitions moved), the group's final committed
// offsets are the end offsets, and the group is Empty once every member closed.
// A missing client skips its tests with a printed reason (fails under CI=true).
import { writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type RunningCluster } from '../helpers/cluster';
import { tool } from '../helpers/tools';
import { describeConsumerGroup, describeGroup, FAST_GROUPS, joinLeaveScenario as sharedScenario, waitForStableConsumerGroup, waitForStableGroup } from './groups/common';
import { startProc, type Proc } from './groups/proc';

const SCRIPT = fileURLToPath(new URL('./groups/py_group_member.py', import.meta.url));
const DEBIAN_PYTHON = '/usr/bin/python3';
const VENV_PYTHON = join(process.env.EDDY_CACHE_DIR ?? join(homedir(), '.cache', 'eddy'), 'py-clients', 'bin', 'python');

const debian = tool('confluent-kafka-python 1.7.0 (Debian)', DEBIAN_PYTHON, ['-c', 'import confluent_kafka']);
// Made by `bash test/helpers/setup-python-clients.sh` (CI runs it before the tests).
const venv = tool('confluent-kafka-python 2.16.1 (venv from test/helpers/setup-python-clients.sh)', VENV_PYTHON, [
  '-c',
  "import confluent_kafka as c, sys; sys.exit(0 if c.libversion()[1] >= 0x020c0000 else 1)",
]);

const TOPIC_PARTITIONS = 6;

interface Scenario {
  python: string;
  protocol: 'classic' | 'consumer';
  extra: string[];
}

describe('confluent-kafka-python consumer groups against a 3-broker Eddy', () => {
  let cluster: RunningCluster;
  let bootstrap: string;
  const procs: Proc[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, port: 0, config: FAST_GROUPS });
    bootstrap = cluster.bootstrapServers;
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await cluster?.stop();
  });

  function member(s: Scenario, group: string, topic: string, clientId: string): Proc {
    const debug = process.env.EDDY_PY_DEBUG ? [`debug=${process.env.EDDY_PY_DEBUG}`] : [];
    const p = startProc(s.python, [SCRIPT, bootstrap, group, topic, clientId, s.protocol, ...s.extra, ...debug]);
    if (process.env.EDDY_PY_DEBUG) void p.exited.then(() => writeFileSync(join(tmpdir(), `eddy-py-${clientId}.log`), p.stderr()));
    procs.push(p);
    return p;
  }

  const stable = (s: Scenario, group: string, topic: string, n: number): Promise<{ members: { clientId: string; assignment: Record<string, number[]> }[]; protocol?: string; protocolType?: string }> =>
    s.protocol === 'consumer' ? waitForStableConsumerGroup(bootstrap, group, topic, n, TOPIC_PARTITIONS, 60_000) : waitForStableGroup(bootstrap, group, topic, n, TOPIC_PARTITIONS, 60_000);

  /** groups/common.ts joinLeaveScenario with Python members. */
  function joinLeaveScenario(s: Scenario, name: string) {
    return sharedScenario({
      bootstrap,
      topic: `py-${name}`,
      group: `py-${name}-group`,
      partitions: TOPIC_PARTITIONS,
      names: [`${name}-a`, `${name}-b`, `${name}-c`],
      start: (clientId) => member(s, `py-${name}-group`, `py-${name}`, clientId),
      stable: (n) => stable(s, `py-${name}-group`, `py-${name}`, n),
      log: (m) => console.log(m),
    });
  }

  it.skipIf(!debian.available)('Debian confluent-kafka 1.7.0, classic protocol (range): join and leave mid-stream', async () => {
    const { two } = await joinLeaveScenario({ python: DEBIAN_PYTHON, protocol: 'classic', extra: [] }, 'deb-classic');
    expect(two.protocolType).toBe('consumer');
    expect(two.protocol).toBe('range');
    expect((await describeGroup(bootstrap, 'py-deb-classic-group')).state).toBe('Empty');
  }, 150_000);

  it.skipIf(!venv.available)('PyPI confluent-kafka 2.16.1, classic protocol with cooperative-sticky: join and leave mid-stream', async () => {
    const { two } = await joinLeaveScenario({ python: VENV_PYTHON, protocol: 'classic', extra: ['partition.assignment.strategy=cooperative-sticky'] }, 'pypi-coop');
    expect(two.protocol).toBe('cooperative-sticky');
    expect((await describeGroup(bootstrap, 'py-pypi-coop-group')).state).toBe('Empty');
  }, 150_000);

  it.skipIf(!venv.available)('PyPI confluent-kafka 2.16.1, group.protocol=consumer (KIP-848): join and leave mid-stream, server-side assignment', async () => {
    const { three } = await joinLeaveScenario({ python: VENV_PYTHON, protocol: 'consumer', extra: [] }, 'pypi-848');
    const d = three as unknown as Awaited<ReturnType<typeof describeConsumerGroup>>;
    expect(d.assignor).toBe('uniform');
    // Every member reached the group's assignment epoch, with current = target.
    for (const m of d.members) {
      expect(m.memberEpoch).toBe(d.assignmentEpoch);
      expect(m.assignment).toEqual(m.target);
    }
    const end = await describeConsumerGroup(bootstrap, 'py-pypi-848-group');
    expect(end.state).toBe('Empty');
    expect(end.members).toEqual([]);
  }, 150_000);
});
