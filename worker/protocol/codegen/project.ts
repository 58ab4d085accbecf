// Where the definitions and the generated code live, and how generated output is compared with or written
// to the working tree. Shared by the CLI (generate.ts) and the codegen check test.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_DIR, emitAll } from './emit.js';
import { loadDefinitions } from './schema.js';

/** The repository root (this file is worker/protocol/codegen/project.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const OUT_DIR = join(REPO_ROOT, GENERATED_DIR);

/** `EDDY_PROTOCOL_DIR`, or `<repo>/../shared/kafka-protocol`. */
export function resolveProtocolDir(): string {
  const env = process.env.EDDY_PROTOCOL_DIR;
  return env && env.length > 0 ? resolve(env) : resolve(REPO_ROOT, '../shared/kafka-protocol');
}

export function protocolDirExists(dir = resolveProtocolDir()): boolean {
  return existsSync(join(dir, 'messages')) && existsSync(join(dir, 'records'));
}

/** Generates every file in memory: path relative to the generated directory -> content. */
export function renderAll(protocolDir = resolveProtocolDir()): Map<string, string> {
  return emitAll(loadDefinitions(protocolDir));
}

function listTs(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listTs(p, base));
    else if (e.name.endsWith('.ts')) out.push(relative(base, p).split('\\').join('/'));
  }
  return out.sort();
}

export interface Difference {
  path: string;
  kind: 'missing' | 'changed' | 'stale';
}

/** Files whose content on disk differs from `files` (missing, changed, or present but no longer generated). */
export function diffGenerated(files: Map<string, string>, outDir = OUT_DIR): Difference[] {
  const diffs: Difference[] = [];
  for (const [p, content] of files) {
    const abs = join(outDir, p);
    if (!existsSync(abs)) diffs.push({ path: p, kind: 'missing' });
    else if (readFileSync(abs, 'utf8') !== content) diffs.push({ path: p, kind: 'changed' });
  }
  for (const p of listTs(outDir)) if (!files.has(p)) diffs.push({ path: p, kind: 'stale' });
  return diffs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Writes changed files and removes stale ones; returns what was touched. */
export function writeGenerated(files: Map<string, string>, outDir = OUT_DIR): Difference[] {
  const diffs = diffGenerated(files, outDir);
  for (const d of diffs) {
    const abs = join(outDir, d.path);
    if (d.kind === 'stale') rmSync(abs);
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, files.get(d.path)!);
    }
  }
  return diffs;
}
