// The client library uses node:zlib's zstd, which Node 20 lacks; the project's own codec (zstd-napi) fills in, so
// the GUI reads and writes zstd batches on every Node the app runs on.
import { compressionsAlgorithms } from '@platformatic/kafka';
import { Compression, compress, decompress } from '../../../worker/protocol/records/compression.js';

let installed = false;

export function installZstd(): void {
  if (installed) return;
  installed = true;
  const zstd = compressionsAlgorithms.zstd as { available: boolean; compressSync: (d: Buffer) => Buffer; decompressSync: (d: Buffer) => Buffer };
  if (zstd.available) return;
  zstd.compressSync = (d) => compress(Compression.zstd, d);
  zstd.decompressSync = (d) => decompress(Compression.zstd, d);
  zstd.available = true;
}
