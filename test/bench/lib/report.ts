// The report: a markdown table (medians, Eddy vs Kafka), resource use per run, the issue's targets (met or
// not), and the JSON document written by --json.
import type { Machine } from './machine.js';
import { medianSample, quietestRun, ratio, round, type RunSample, type Scenario } from './results.js';
import type { SystemName } from './systems.js';

export interface Target {
  label: string;
  scenario: string;
  text: string;
  /** Whether Eddy's median (and the ratio, when there is one) meets the target. */
  check(eddy: number, ratio: number | null): boolean;
}

export const TARGETS: Target[] = [
  { label: '(a) produce RF=1', scenario: 'produce-rf1', text: '≥ 1.5M records/s and ≥ 1.2× Kafka', check: (e, r) => e >= 1.5e6 && (r === null || r >= 1.2) },
  { label: '(b) produce RF=3 acks=all', scenario: 'produce-rf3-acks-all', text: '≥ 800K records/s and ≥ 2× Kafka', check: (e, r) => e >= 800e3 && (r === null || r >= 2) },
  { label: '(c) consume', scenario: 'consume', text: '≥ 3M records/s', check: (e) => e >= 3e6 },
  { label: '(d) p99 end-to-end at 50K msg/s', scenario: 'e2e-p99-50k', text: '≤ 3 ms', check: (e) => e <= 3000 },
  { label: '(e) cold start, 3 brokers', scenario: 'cold-start', text: '≤ 500 ms', check: (e) => e <= 500 },
  { label: '(f) idle RSS, 3 brokers', scenario: 'idle-rss', text: '≤ 150 MB', check: (e) => e <= 150 },
  { label: '(g) Metadata with 10K partitions', scenario: 'metadata-10k', text: '≤ 50 ms (p99)', check: (e) => e <= 50 },
  { label: 'groups: 3-member rebalance', scenario: 'rebalance-3', text: '≤ initial delay + 100 ms (3,100 ms)', check: (e) => e <= 3100 },
  { label: 'groups: offset commits, 1 client', scenario: 'commits-per-s', text: '≥ 20,000 commits/s', check: (e) => e >= 20_000 },
  { label: 'groups: offset commits, 16 clients', scenario: 'commits-per-s-16-clients', text: '≥ 20,000 commits/s', check: (e) => e >= 20_000 },
  { label: 'compaction: produce p99 during ÷ idle', scenario: 'compaction-p99', text: '≤ 2×', check: (e) => e <= 2 },
];

export type TargetStatus = 'met' | 'not met' | 'not comparable' | 'not measured';

export interface TargetResult {
  target: string;
  scenario: string;
  goal: string;
  status: TargetStatus;
  measured: string;
}

function fmtNumber(x: number, unit: string): string {
  if (!Number.isFinite(x)) return '—';
  if (unit === 'records/s' || unit === 'commits/s' || unit === 'µs' || unit === 'MB') return Math.round(x).toLocaleString('en-US');
  if (unit === 'MB/s') return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
  if (unit === 'ms') return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(x >= 10 ? 1 : 2);
  return String(round(x, 2));
}

function fmtValue(s: Scenario, system: SystemName, m: RunSample | null): string {
  if (s.skipped[system]) return s.skipped[system]!;
  if (s.errors[system] && !m) return `failed: ${s.errors[system]}`;
  if (!m) return '—';
  return `${fmtNumber(m.value, s.unit)} ${s.unit}`;
}

function fmtLatency(m: RunSample | null): string {
  if (!m?.latency) return '';
  const l = m.latency;
  const f = (x: number) => (l.unit === 'µs' ? Math.round(x).toLocaleString('en-US') : x >= 100 ? Math.round(x).toString() : String(round(x, 1)));
  return `${f(l.p50)} / ${f(l.p99)} / ${f(l.p999)} ${l.unit}`;
}

function comparable(s: Scenario): boolean {
  return !s.eddyNote;
}

function fmtRatio(s: Scenario): string {
  const r = ratio(s);
  if (r === null) return '—';
  return comparable(s) ? `**${r.toFixed(2)}×**` : `(${r.toFixed(2)}×) not comparable`;
}

export function targetResults(scenarios: Scenario[]): TargetResult[] {
  return TARGETS.map((t) => {
    const s = scenarios.find((x) => x.name === t.scenario);
    const e = s ? medianSample(s.runs.eddy) : null;
    if (!s || !e) return { target: t.label, scenario: t.scenario, goal: t.text, status: 'not measured', measured: s?.errors.eddy ?? s?.skipped.eddy ?? '' };
    const r = ratio(s);
    const ok = t.check(e.value, r);
    const q = s.runs.eddy.length > 1 ? quietestRun(s.runs.eddy) : null;
    const measured = `${fmtNumber(e.value, s.unit)} ${s.unit}${r !== null ? `, ${r.toFixed(2)}× Kafka` : ''}${q ? ` (quietest run: ${fmtNumber(q.value, s.unit)})` : ''}`;
    // Without replication Eddy's acks=all numbers say nothing about the target: never report them as met.
    const status: TargetStatus = ok ? (comparable(s) ? 'met' : 'not comparable') : 'not met';
    return { target: t.label, scenario: t.scenario, goal: t.text, status, measured: status === 'not comparable' ? `${measured} (${s.eddyNote})` : measured };
  });
}

export function markdownReport(scenarios: Scenario[], machine: Machine, header: string[]): string {
  const out: string[] = [...header, ''];
  out.push('| scenario | client | Eddy | Kafka | Eddy vs Kafka¹ | MB/s Eddy / Kafka | latency p50 / p99 / p99.9 Eddy | latency p50 / p99 / p99.9 Kafka | peak RSS (anon) MB Eddy / Kafka² | note |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const s of scenarios) {
    const e = medianSample(s.runs.eddy);
    const k = medianSample(s.runs.kafka);
    const mb = e?.mbPerSec !== undefined || k?.mbPerSec !== undefined ? `${e?.mbPerSec ?? '—'} / ${k?.mbPerSec ?? '—'}` : '';
    const mem = (m: RunSample | null) => (m?.peakRssMB === undefined ? '—' : `${m.peakRssMB}${m.peakAnonMB !== undefined ? ` (${m.peakAnonMB})` : ''}`);
    const rss = e?.peakRssMB !== undefined || k?.peakRssMB !== undefined ? `${mem(e)} / ${mem(k)}` : '';
    const notes = [s.eddyNote ? `**Eddy: ${s.eddyNote}**` : '', s.note ?? ''].filter(Boolean).join('; ');
    const runs = Math.max(s.runs.eddy.length, s.runs.kafka.length);
    out.push(
      `| \`${s.name}\` ${s.title}${runs > 1 ? ` (median of ${runs})` : ''} | ${s.client} | ${fmtValue(s, 'eddy', e)} | ${fmtValue(s, 'kafka', k)} | ${fmtRatio(s)} | ${mb} | ${fmtLatency(e)} | ${fmtLatency(k)} | ${rss} | ${notes} |`,
    );
  }
  out.push(
    '',
    '¹ higher is better for Eddy: throughput Eddy/Kafka; latency, start time and memory Kafka/Eddy.',
    "² VmRSS, summed over the system's processes, peak of 100 ms samples; in parentheses RssAnon (private memory). VmRSS also counts mapped file pages a process has touched: for Eddy the LMDB files it reads and writes (page cache), which Kafka reads with read()/sendfile() and so does not show in its RSS.",
  );

  const withCpu = scenarios.filter((s) => [...s.runs.eddy, ...s.runs.kafka].some((r) => r.cpuS !== undefined));
  if (withCpu.length) {
    out.push(
      '',
      'CPU seconds per run (median, during Eddy\'s runs / during Kafka\'s runs): the system under test, the client, the other system (idle meanwhile), and every other process on the shared machine (noise).',
      '',
    );
    out.push('| scenario | wall s | system under test CPU s | client CPU s | idle other system CPU s | other processes CPU s | quietest run³ |');
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const s of withCpu) {
      const e = medianSample(s.runs.eddy);
      const k = medianSample(s.runs.kafka);
      const pair = (f: (m: RunSample) => number | undefined) => `${e && f(e) !== undefined ? round(f(e)!, 2) : '—'} / ${k && f(k) !== undefined ? round(f(k)!, 2) : '—'}`;
      const qe = quietestRun(s.runs.eddy);
      const qk = quietestRun(s.runs.kafka);
      const q = (r: RunSample | null) => (r ? `${fmtNumber(r.value, s.unit)} (other ${r.otherCpuS} s)` : '—');
      out.push(
        `| \`${s.name}\` | ${pair((m) => m.seconds)} | ${pair((m) => m.cpuS)} | ${pair((m) => m.clientCpuS)} | ${pair((m) => m.peerCpuS)} | ${pair((m) => m.otherCpuS)} | ${q(qe)} / ${q(qk)} ${s.unit} |`,
      );
    }
    out.push('', '³ the run with the least CPU used by other processes, per system: the closest to an undisturbed machine.');
  }

  const detailed = scenarios.filter((s) => s.details?.length);
  if (detailed.length) {
    out.push('', 'Details (medians):', '', '| scenario | value | Eddy | Kafka |', '|---|---|---:|---:|');
    for (const s of detailed) {
      const e = medianSample(s.runs.eddy);
      const k = medianSample(s.runs.kafka);
      const v = (m: RunSample | null, key: string) => (m?.extra?.[key] === undefined ? '—' : typeof m.extra[key] === 'number' ? (m.extra[key] as number).toLocaleString('en-US') : String(m.extra[key]));
      for (const d of s.details!) out.push(`| \`${s.name}\` | ${d.label} | ${v(e, d.key)} | ${v(k, d.key)} |`);
    }
  }

  out.push('', '### Targets (Eddy)', '', '| target | goal | measured (median) | status |', '|---|---|---|---|');
  for (const t of targetResults(scenarios)) out.push(`| ${t.target} | ${t.goal} | ${t.measured} | ${t.status === 'met' ? '**met**' : t.status} |`);
  out.push('', `Machine: ${machine.summary}`);
  return out.join('\n');
}

/** Scenarios back from a --json file (to render the report again with --from-json). */
export function scenariosFromJson(doc: { scenarios: Record<string, any>[] }): Scenario[] {
  return doc.scenarios.map((j) => {
    // Files written before eddyNote/rowNote existed: the combined note starts with "Eddy: …" for Eddy's caveat.
    const parts: string[] = typeof j.note === 'string' ? j.note.split('; ') : [];
    const eddyNote: string | undefined = j.eddyNote ?? parts.find((p) => p.startsWith('Eddy: '))?.slice(6);
    const rowNote: string | undefined = j.rowNote ?? (parts.filter((p) => !p.startsWith('Eddy')).join('; ') || undefined);
    return {
      name: j.name,
      title: j.title,
      client: j.client,
      unit: j.unit,
      higherIsBetter: j.higherIsBetter,
      runs: { eddy: j.detail?.eddy?.runs ?? [], kafka: j.detail?.kafka?.runs ?? [] },
      skipped: j.skipped ?? {},
      errors: j.errors ?? {},
      ...(rowNote ? { note: rowNote } : {}),
      ...(eddyNote ? { eddyNote } : {}),
      ...(j.details ? { details: j.details } : {}),
    };
  });
}

export function jsonReport(scenarios: Scenario[], machine: Machine, meta: Record<string, unknown>): unknown {
  return {
    machine: machine.summary,
    machineDetail: machine,
    ...meta,
    scenarios: scenarios.map((s) => {
      const e = medianSample(s.runs.eddy);
      const k = medianSample(s.runs.kafka);
      const r = ratio(s);
      const note = [s.eddyNote ? `Eddy: ${s.eddyNote}` : '', s.skipped.eddy ? `Eddy ${s.skipped.eddy}` : '', s.note ?? ''].filter(Boolean).join('; ');
      return {
        name: s.name,
        unit: s.unit,
        eddy: e ? e.value : null,
        kafka: k ? k.value : null,
        ratio: r === null ? null : round(r, 3),
        comparable: comparable(s),
        ...(note ? { note } : {}),
        ...(s.eddyNote ? { eddyNote: s.eddyNote } : {}),
        ...(s.note ? { rowNote: s.note } : {}),
        title: s.title,
        client: s.client,
        higherIsBetter: s.higherIsBetter,
        ...(Object.keys(s.skipped).length ? { skipped: s.skipped } : {}),
        ...(Object.keys(s.errors).length ? { errors: s.errors } : {}),
        ...(s.details ? { details: s.details } : {}),
        detail: {
          eddy: e ? { median: e, quietest: quietestRun(s.runs.eddy), runs: s.runs.eddy } : null,
          kafka: k ? { median: k, quietest: quietestRun(s.runs.kafka), runs: s.runs.kafka } : null,
        },
      };
    }),
    targets: targetResults(scenarios),
  };
}
