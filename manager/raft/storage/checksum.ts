import { crc32 as zlibCrc32 } from 'node:zlib';

/** CRC-32 (IEEE 802.3, the zlib polynomial) of `data`, continuing from `seed` when given. */
export function crc32(data: Uint8Array, seed = 0): number {
  return zlibCrc32(data, seed);
}
