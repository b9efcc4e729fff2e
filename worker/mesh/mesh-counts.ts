/**
 * What the mesh counts, in memory shared between the daemon and the mesh's thread: the
 * thread adds to plain numbers as connections come and bytes pass, and the daemon reads
 * them when metrics are scraped, with no message between them. One writer (the thread)
 * and numbers that only grow (but `active`): a read may be a moment behind, never wrong.
 * The memory belongs to the daemon, so the counts outlive a thread that dies.
 */
import type { MeshCount } from '../../lib/node-metrics.js';

/** Where each count is within a protocol's slots. */
export const CONNECTIONS = 0;
export const ACTIVE = 1;
export const RECEIVED_BYTES = 2;
export const SENT_BYTES = 3;
export const FAILED_CONNECTS = 4;
const SLOTS = 5;
const PROTOCOLS = ['tcp', 'udp'] as const;

export class MeshCounts {
  /** The counts of TCP connections and of UDP flows. */
  readonly tcp: Float64Array;
  readonly udp: Float64Array;

  constructor(readonly buffer = new SharedArrayBuffer(PROTOCOLS.length * SLOTS * 8)) {
    this.tcp = new Float64Array(buffer, 0, SLOTS);
    this.udp = new Float64Array(buffer, SLOTS * 8, SLOTS);
  }

  /** A thread that died left no connection open: they went with it. */
  noneActive(): void {
    this.tcp[ACTIVE] = 0;
    this.udp[ACTIVE] = 0;
  }

  read(): MeshCount[] {
    return PROTOCOLS.map((protocol) => {
      const c = this[protocol];
      return {
        protocol,
        path: 'userspace' as const,
        connections: c[CONNECTIONS]!,
        active: c[ACTIVE]!,
        receivedBytes: c[RECEIVED_BYTES]!,
        sentBytes: c[SENT_BYTES]!,
        failedConnects: c[FAILED_CONNECTS]!,
      };
    });
  }
}

/** Adds `n` to a count (one by default). */
export function add(counts: Float64Array, slot: number, n = 1): void {
  counts[slot] = counts[slot]! + n;
}
