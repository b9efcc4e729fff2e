import type { Message, RaftId } from '../types.js';
import { MessageType } from '../types.js';

/**
 * Holds back a leader's empty appends for a moment. Once a write commits, the leader sends
 * each follower an append without entries only to tell it the new commit index; under
 * steady writes the next append, which carries entries and the same commit index, follows
 * within a millisecond. So an empty append waits up to `delayMs`: if an append with entries
 * to the same follower goes out first it is dropped, otherwise it is sent then. Followers
 * then take one message and send one answer fewer per write, at the very moment the
 * client's answer is on its way. Dropping one is safe: to Raft it is a message the network
 * lost, and the one that superseded it says at least as much.
 */
export class CommitNotices {
  private readonly held = new Map<RaftId, Message>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly send: (messages: Message[]) => void,
  ) {}

  /** `messages` without the empty appends, which are held (each replacing an older one to its peer). */
  filter(messages: readonly Message[]): Message[] {
    const out: Message[] = [];
    for (const m of messages) {
      if (m.type !== MessageType.App) {
        out.push(m);
      } else if (m.entries.length > 0) {
        this.held.delete(m.to);
        out.push(m);
      } else {
        this.held.set(m.to, m);
      }
    }
    if (this.held.size > 0) this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    return out;
  }

  /** Sends now what is held for `id` (about to be removed as a peer: it is told of its removal's commit). */
  release(id: RaftId): void {
    const m = this.held.get(id);
    if (!m) return;
    this.held.delete(id);
    this.send([m]);
  }

  /** Drops what is held. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held.clear();
  }

  private flush(): void {
    this.timer = undefined;
    const due = [...this.held.values()];
    this.held.clear();
    if (due.length > 0) this.send(due);
  }
}
