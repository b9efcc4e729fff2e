import { setImmediate as nextTurn } from 'node:timers/promises';
import { crc32 as zlibCrc32 } from 'node:zlib';

/** CRC-32 (IEEE 802.3, the zlib polynomial) of `data`, continuing from `seed` when given. */
export function crc32(data: Uint8Array, seed = 0): number {
  return zlibCrc32(data, seed);
}

/** Bytes checksummed in one turn of the event loop: a few milliseconds' work. */
const SLICE_BYTES = 4 * 1024 * 1024;

/**
 * crc32 of `parts` one after another, a slice of at most `sliceBytes` a turn of the event
 * loop: a snapshot of hundreds of MiB would otherwise hold it for a second.
 */
export async function crc32InSlices(
  parts: readonly Uint8Array[],
  seed = 0,
  sliceBytes = SLICE_BYTES,
): Promise<number> {
  let crc = seed;
  for (const part of parts) {
    for (let at = 0; at < part.length; at += sliceBytes) {
      crc = crc32(part.subarray(at, at + sliceBytes), crc);
      await nextTurn();
    }
  }
  return crc;
}
