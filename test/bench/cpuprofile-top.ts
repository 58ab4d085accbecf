// Top functions by self time in V8 .cpuprofile files (node --cpu-prof writes one per thread: main, then each
// worker). Functions from the bundled build (out/main/*.js) are traced back to their source file through the
// bundle's "// worker/….ts" comments, and to the line of their definition by name.
//
//   node --import tsx test/bench/cpuprofile-top.ts [--top N] FILE.cpuprofile...   (several files are summed)
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  where: string;
  selfMs: number;
}

export interface ProfileSummary {
  /** Sampled wall time of the thread(s), ms. */
  totalMs: number;
  /** Time not idle (what the percentages are of), ms. */
  busyMs: number;
  functions: FunctionTime[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const META = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

const bundleMarkers = new Map<string, { line: number; file: string }[]>();

/** The bundle's "// worker/….ts" comments: which source file each line range of out/main/*.js came from. */
function markersOf(bundle: string): { line: number; file: string }[] {
  let m = bundleMarkers.get(bundle);
  if (!m) {
    m = [];
    try {
      readFileSync(bundle, 'utf8')
        .split('\n')
        .forEach((l, i) => {
          const x = /^\/\/ ((?:worker|main)\/\S+\.ts)$/.exec(l);
          if (x) m!.push({ line: i, file: x[1]! });
        });
    } catch {
      // bundle gone: fall back to the bundle location
    }
    bundleMarkers.set(bundle, m);
  }
  return m;
}

const definitions = new Map<string, string[]>();

/** Line (1-based) of the definition of `name` in a source file, or 0. */
function definitionLine(file: string, name: string): number {
  let lines = definitions.get(file);
  if (!lines) {
    try {
      lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    } catch {
      lines = [];
    }
    definitions.set(file, lines);
  }
  if (!name || name === '(anonymous)') return 0;
  const esc = name.replace(/[$]/g, '\\$');
  const re = new RegExp(`(?:function\\*?\\s+|\\b(?:const|let)\\s+|^\\s*(?:(?:private|public|protected|static|async|override|readonly|get|set)\\s+)*)${esc}\\s*(?:=|<|\\()`);
  const i = lines.findIndex((l) => re.test(l));
  return i + 1;
}

function locate(cf: CallFrame): string {
  if (!cf.url) return '';
  const url = cf.url.replace(/^file:\/\//, '');
  if (url.includes('/out/main/')) {
    // Map the bundle line to the source file named by the nearest "// path.ts" comment above it.
    const marker = markersOf(url)
      .filter((m) => m.line <= cf.lineNumber)
      .at(-1);
    if (!marker) return `${relative(ROOT, url)}:${cf.lineNumber + 1}`;
    // Some modules get no comment of their own: look in the marked file, then in its directory.
    const name = cf.functionName.replace(/\$\d+$/, '');
    const dir = dirname(marker.file);
    let siblings: string[] = [];
    try {
      siblings = readdirSync(join(ROOT, dir))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${dir}/${f}`)
        .filter((f) => f !== marker.file);
    } catch {
      // no directory
    }
    for (const file of [marker.file, ...siblings]) {
      const line = definitionLine(file, name);
      if (line) return `${file}:${line}`;
    }
    return `${marker.file} (bundle line ${cf.lineNumber + 1})`;
  }
  if (url.includes('/node_modules/')) return url.slice(url.lastIndexOf('/node_modules/') + 14).replace(/:\d+$/, '') + `:${cf.lineNumber + 1}`;
  if (url.startsWith('node:')) return url;
  return `${relative(ROOT, url)}:${cf.lineNumber + 1}`;
}

export function summarize(files: string[]): ProfileSummary {
  const byKey = new Map<string, FunctionTime>();
  let totalMs = 0;
  let idleMs = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    for (let i = 0; i < p.samples.length; i++) {
      // timeDeltas[i] is the time since the previous sample; the time until the next one is spent in sample i.
      const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
      self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
    }
    totalMs += (p.endTime - p.startTime) / 1000;
    for (const [id, ms] of self) {
      const cf = nodes.get(id)!.callFrame;
      const name = cf.functionName || '(anonymous)';
      if (name === '(idle)') {
        idleMs += ms;
        continue;
      }
      const where = META.has(name) ? '' : locate(cf);
      const key = `${name}@${where}`;
      const f = byKey.get(key) ?? { name, where, selfMs: 0 };
      f.selfMs += ms;
      byKey.set(key, f);
    }
  }
  const functions = [...byKey.values()].sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs, busyMs: totalMs - idleMs, functions };
}

export function topTable(s: ProfileSummary, top = 20): string {
  const rows = ['| # | self ms | % of busy | function | where |', '|---:|---:|---:|---|---|'];
  s.functions.slice(0, top).forEach((f, i) => {
    rows.push(`| ${i + 1} | ${f.selfMs.toFixed(0)} | ${((100 * f.selfMs) / s.busyMs).toFixed(1)} | \`${f.name}\` | ${f.where} |`);
  });
  return rows.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  let top = 20;
  const i = args.indexOf('--top');
  if (i >= 0) {
    top = Number(args[i + 1]);
    args.splice(i, 2);
  }
  if (!args.length) {
    console.error('usage: cpuprofile-top.ts [--top N] FILE.cpuprofile...');
    process.exit(2);
  }
  const s = summarize(args);
  console.log(`${args.length} profile(s): ${s.totalMs.toFixed(0)} ms sampled, ${s.busyMs.toFixed(0)} ms busy\n`);
  console.log(topTable(s, top));
}
