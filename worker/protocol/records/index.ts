// Record batch v2, CRC-32C and the four compression codecs: the public API of worker/protocol/records.
export { crc32c } from './crc32c.js';
export {
  Compression,
  type CompressionCodec,
  type CompressionName,
  type CompressOptions,
  type DecompressOptions,
  compress,
  decompress,
  compressAsync,
  decompressAsync,
  compressionName,
  isCompressionCodec,
  isXerialSnappy,
  XERIAL_MAGIC,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  CompressionError,
  DecompressionLimitError,
  UnsupportedCompressionError,
} from './compression.js';
export * from './record-batch.js';
export { RecordCursor } from './record-cursor.js';
export { KeptRecords } from './record-rewrite.js';
