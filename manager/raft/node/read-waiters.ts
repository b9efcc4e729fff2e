import { FlotillaError } from '../../../lib/errors.js';

interface Read {
  /** The commit index the leader confirmed for this read; undefined until it does. */
  index?: number;
  resolve(index: number): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Linearizable reads in flight: each waits for the leader to confirm a read index (matched
 * by its request context), then for this node to apply up to it.
 */
export class ReadWaiters {
  private readonly reads = new Map<string, Read>();

  wait(ctx: Uint8Array, timeoutMs: number): Promise<number> {
    const key = Buffer.from(ctx).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const read = this.reads.get(key);
        this.reads.delete(key);
        reject(
          read?.index === undefined
            ? new FlotillaError(
                'NO_QUORUM',
                `raft: no leader confirmed a read within ${timeoutMs} ms (no leader, or it cannot reach a quorum)`,
              )
            : new FlotillaError(
                'TIMEOUT',
                `raft: this node did not catch up to index ${read.index} in ${timeoutMs} ms`,
              ),
        );
      }, timeoutMs);
      this.reads.set(key, { resolve, reject, timer });
    });
  }

  /** The leader confirmed the read with this context at `index`. */
  confirmed(ctx: Uint8Array, index: number, applied: number): void {
    const key = Buffer.from(ctx).toString('hex');
    const read = this.reads.get(key);
    if (!read) return;
    read.index = index;
    if (index <= applied) this.settle(key, read);
  }

  appliedTo(applied: number): void {
    for (const [key, read] of this.reads) {
      if (read.index !== undefined && read.index <= applied) this.settle(key, read);
    }
  }

  failAll(err: () => Error): void {
    for (const read of this.reads.values()) {
      clearTimeout(read.timer);
      read.reject(err());
    }
    this.reads.clear();
  }

  private settle(key: string, read: Read): void {
    this.reads.delete(key);
    clearTimeout(read.timer);
    read.resolve(read.index!);
  }
}
