// Native modules must load under Electron's own Node ABI without a rebuild. Every native dependency here is
// an N-API build; this runs them in a Node process that looks like Electron to the prebuild loaders
// (process.versions.electron set, an ABI no Node prebuild matches) and checks which binary each one picked.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const script = `
Object.defineProperty(process.versions, 'electron', { value: '41.7.1', enumerable: true });
Object.defineProperty(process.versions, 'modules', { value: '145', enumerable: true });
const lmdb = require('lmdb');
const db = lmdb.open({ path: process.argv[1] });
db.putSync('k', 'v');
const crc = require('@node-rs/crc32').crc32c(Buffer.from('123456789'));
const snappy = require('snappy');
const lz4 = require('lz4-napi');
const zstd = require('zstd-napi');
const data = Buffer.from('eddy '.repeat(100));
const ok = snappy.uncompressSync(snappy.compressSync(data)).equals(data)
  && lz4.decompressFrameSync(lz4.compressFrameSync(data)).equals(data)
  && zstd.decompress(zstd.compress(data)).equals(data);
console.log(JSON.stringify({
  value: db.get('k'),
  crc,
  codecs: ok,
  binaries: Object.keys(require.cache).filter((k) => k.endsWith('.node')),
}));
`;

test('lmdb and the codec packages load as N-API builds under an Electron runtime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-napi-'));
  try {
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script, join(dir, 'db')], { encoding: 'utf8' }).trim().split('\n').at(-1)!);
    expect(out.value).toBe('v');
    expect(out.crc).toBe(0xe3069283);
    expect(out.codecs).toBe(true);
    const lmdbBinary = out.binaries.find((b: string) => b.includes('lmdb'));
    expect(lmdbBinary).toMatch(/node\.napi\.[a-z]+\.node$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
