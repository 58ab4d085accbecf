// CRC-32C (Castagnoli) as used by record batch v2 (NOTES.md §5): covers bytes [21, end) of a batch.
// Native (@node-rs/crc32, SSE4.2/ARMv8 CRC instructions): a pure-JS table runs ~0.5 GB/s, too slow for the
// produce hot path, which checksums every incoming batch (DESIGN.md §7).
// Loaded by require: importing the CommonJS package as an ES module costs each broker worker a lexer pass over its
// platform loader at start-up (~3 times the time of a require).
import { createRequire } from 'node:module';

const { crc32c: nativeCrc32c } = createRequire(import.meta.url)('@node-rs/crc32') as typeof import('@node-rs/crc32');

/**
 * CRC-32C of `buf`, as an unsigned 32-bit number (what the batch header stores at offset 17).
 * `initial` continues a previous checksum, so `crc32c(b, crc32c(a)) === crc32c(a ++ b)`.
 */
export function crc32c(buf: Uint8Array, initial?: number): number {
  // The binding returns an unsigned value already; `>>> 0` keeps the contract even if that ever changes.
  return nativeCrc32c(buf, initial ?? 0) >>> 0;
}
