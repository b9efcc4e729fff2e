import type { Message, RaftId } from '../types.js';

interface PendingRead {
  /** The leader's commit index when the read arrived: the index the reader must wait for. */
  index: number;
  req: Message;
  acks: Set<RaftId>;
}

function key(ctx: Uint8Array): string {
  return Buffer.from(ctx).toString('latin1');
}

/**
 * Read-index requests a leader is confirming with a round of heartbeats that carry the
 * request's context. Requests are released in arrival order once a quorum acknowledged the
 * latest context sent (acks for a later request confirm the earlier ones too).
 */
export class ReadOnly {
  private pending = new Map<string, PendingRead>();
  private queue: string[] = [];

  add(index: number, req: Message): void {
    const k = key(req.entries[0]!.data);
    if (this.pending.has(k)) return;
    this.pending.set(k, { index, req, acks: new Set() });
    this.queue.push(k);
  }

  /** Records an ack for ctx and returns who has acked it so far (undefined if unknown ctx). */
  recvAck(id: RaftId, ctx: Uint8Array): ReadonlySet<RaftId> | undefined {
    const rs = this.pending.get(key(ctx));
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Removes and returns every request up to and including the one with ctx. */
  advance(ctx: Uint8Array): { index: number; req: Message }[] {
    const at = this.queue.indexOf(key(ctx));
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1).map((k) => this.pending.get(k)!);
    for (const k of this.queue.slice(0, at + 1)) this.pending.delete(k);
    this.queue = this.queue.slice(at + 1);
    return done;
  }

  lastPendingCtx(): Uint8Array | undefined {
    const k = this.queue[this.queue.length - 1];
    return k === undefined ? undefined : this.pending.get(k)!.req.entries[0]!.data;
  }
}
