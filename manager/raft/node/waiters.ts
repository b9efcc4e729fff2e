import { FlotillaError } from '../../../lib/errors.js';
import type { LogPosition } from '../core/index.js';

interface Waiter {
  position: LogPosition;
  confChange: boolean;
  resolve(index: number): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Proposals waiting for their entry to be applied, by log index. An entry applied at that
 * index with another term means a new leader overwrote the proposal.
 */
export class ProposalWaiters {
  private readonly byIndex = new Map<number, Waiter>();

  wait(position: LogPosition, timeoutMs: number, confChange: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.byIndex.delete(position.index);
        reject(
          new FlotillaError(
            'TIMEOUT',
            `raft: entry ${position.index} was not committed within ${timeoutMs} ms; it may still be applied later`,
          ),
        );
      }, timeoutMs);
      this.byIndex.set(position.index, { position, confChange, resolve, reject, timer });
    });
  }

  /** The entry at `index` was applied; `confChange` tells whether it was one. */
  applied(index: number, term: number, confChange: boolean): void {
    const w = this.byIndex.get(index);
    if (!w) return;
    if (w.position.term !== term) {
      this.settle(
        index,
        new FlotillaError(
          'NOT_LEADER',
          `raft: a new leader replaced entry ${index} before it committed; it was not applied`,
        ),
      );
    } else if (w.confChange && !confChange) {
      // The core turns a membership change proposed while another is pending into an empty entry.
      this.settle(
        index,
        new FlotillaError(
          'CONFLICT',
          'raft: another membership change was still in progress; retry when it completes',
        ),
      );
    } else {
      this.settle(index);
    }
  }

  /** Entries up to `index` arrived as a snapshot, so whether ours were among them is unknown. */
  supersededTo(index: number): void {
    for (const i of [...this.byIndex.keys()]) {
      if (i <= index) {
        this.settle(
          i,
          new FlotillaError(
            'NOT_LEADER',
            `raft: entry ${i} was overtaken by a snapshot; its outcome is unknown`,
          ),
        );
      }
    }
  }

  failAll(err: () => Error): void {
    for (const i of [...this.byIndex.keys()]) this.settle(i, err());
  }

  private settle(index: number, err?: Error): void {
    const w = this.byIndex.get(index)!;
    this.byIndex.delete(index);
    clearTimeout(w.timer);
    if (err) w.reject(err);
    else w.resolve(index);
  }
}
