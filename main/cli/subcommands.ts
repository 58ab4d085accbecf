// `eddy status|broker|link|events ...`: talk to a running Eddy through the control surface it announces in
// its data dir (eddy.json), so scripts and tests can break and inspect a live cluster from outside.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { INSTANCE_FILE, type InstanceInfo } from '../bridge/control-server.js';
import { defaultDataDir } from '../supervisor/data-dir.js';
import { UsageError } from './args.js';

export const SUBCOMMANDS = new Set(['status', 'broker', 'link', 'events']);

export const SUBCOMMAND_HELP = `Commands for a running Eddy (found through --data-dir, default ${defaultDataDir()}):
  eddy status [--json]                       brokers, partitions (leader, ISR), link faults
  eddy events [--json]                       the cluster's timeline
  eddy broker add                            add a broker to the running cluster
  eddy broker kill|restart|pause|resume ID   crash, restart, freeze or thaw a broker
  eddy broker fail-writes ID COUNT           the broker's next COUNT log writes fail
  eddy link cut|heal A B                     A, B: broker ids or "controller"
  eddy link delay A B MS                     add latency to a link
  eddy link loss A B FRACTION                drop a fraction (0-1) of a link's messages`;

function instance(dataDir: string): InstanceInfo {
  const file = join(dataDir, INSTANCE_FILE);
  let info: InstanceInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as InstanceInfo;
  } catch {
    throw new UsageError(`no running Eddy found for data dir ${dataDir} (${file} is missing); start one with "eddy --data-dir ${dataDir}"`);
  }
  try {
    process.kill(info.pid, 0);
  } catch {
    throw new UsageError(`the Eddy that wrote ${file} (pid ${info.pid}) is not running`);
  }
  return info;
}

async function call(info: InstanceInfo, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${info.control.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${info.control.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as { error?: string };
  if (!res.ok) throw new UsageError(json.error ?? `HTTP ${res.status}`);
  return json;
}

interface StatusJson {
  clusterId: string;
  bootstrapServers: string;
  brokers: { id: number; host: string; port: number; state: string; fenced: boolean }[];
  partitions: { topic: string; partition: number; leader: number; leaderEpoch: number; replicas: number[]; isr: number[] }[];
  links: { link: string; faults: { cut: boolean; delayMs: number; loss: number } }[];
}

function formatStatus(s: StatusJson): string {
  const lines = [`cluster ${s.clusterId}  bootstrap ${s.bootstrapServers}`, '', 'broker  address                state'];
  for (const b of s.brokers) lines.push(`${String(b.id).padEnd(7)} ${`${b.host}:${b.port}`.padEnd(22)} ${b.state}${b.fenced ? ' (fenced)' : ''}`);
  if (s.links.length > 0) {
    lines.push('', 'link faults');
    for (const l of s.links) lines.push(`  ${l.link}: ${[l.faults.cut ? 'cut' : '', l.faults.delayMs ? `delay ${l.faults.delayMs} ms` : '', l.faults.loss ? `loss ${l.faults.loss}` : ''].filter(Boolean).join(', ')}`);
  }
  lines.push('', 'topic/partition                  leader  epoch  replicas  isr');
  for (const p of s.partitions) {
    if (p.topic.startsWith('__')) continue;
    lines.push(`${`${p.topic}-${p.partition}`.padEnd(32)} ${String(p.leader).padEnd(7)} ${String(p.leaderEpoch).padEnd(6)} ${p.replicas.join(',').padEnd(9)} ${p.isr.join(',')}`);
  }
  return lines.join('\n');
}

function need(args: string[], n: number, usage: string): string[] {
  if (args.length !== n) throw new UsageError(`usage: ${usage}`);
  return args;
}

export async function runSubcommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [cmd, ...rest] = parsed.positionals;
  const info = instance(parsed.values['data-dir'] ?? defaultDataDir());
  const out = (v: unknown) => process.stdout.write(`${typeof v === 'string' ? v : JSON.stringify(v, null, 2)}\n`);
  switch (cmd) {
    case 'status': {
      const s = (await call(info, 'GET', '/status')) as StatusJson;
      out(parsed.values.json ? s : formatStatus(s));
      return;
    }
    case 'events': {
      const events = (await call(info, 'GET', '/events')) as { time: number; type: string; detail: string }[];
      out(parsed.values.json ? events : events.map((e) => `${new Date(e.time).toISOString()}  ${e.type.padEnd(16)} ${e.detail}`).join('\n'));
      return;
    }
    case 'broker': {
      const [action, id, count] = rest;
      if (action === 'add') {
        need(rest, 1, 'eddy broker add');
        const r = (await call(info, 'POST', '/brokers')) as { id: number };
        out(`broker ${r.id} added`);
        return;
      }
      if (action === 'fail-writes') {
        need(rest, 3, 'eddy broker fail-writes ID COUNT');
        await call(info, 'POST', `/brokers/${id}/fail-writes`, { count: Number(count) });
      } else {
        need(rest, 2, 'eddy broker kill|restart|pause|resume ID');
        if (!['kill', 'restart', 'pause', 'resume'].includes(action!)) throw new UsageError(`unknown broker action "${action}"`);
        await call(info, 'POST', `/brokers/${id}/${action}`);
      }
      out(`broker ${id}: ${action} done`);
      return;
    }
    case 'link': {
      const [action, a, b, value] = rest;
      if (action === 'cut' || action === 'heal') {
        need(rest, 3, `eddy link ${action} A B`);
        await call(info, 'POST', `/links/${a}/${b}/${action}`);
      } else if (action === 'delay' || action === 'loss') {
        need(rest, 4, `eddy link ${action} A B ${action === 'delay' ? 'MS' : 'FRACTION'}`);
        await call(info, 'POST', `/links/${a}/${b}`, action === 'delay' ? { delayMs: Number(value) } : { loss: Number(value) });
      } else throw new UsageError(`unknown link action "${action}"`);
      out(`link ${a}-${b}: ${action}${value !== undefined ? ` ${value}` : ''} done`);
      return;
    }
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}
