/**
 * Collects task status changes and sends them to the dispatcher in batches. Only the
 * latest status of each task is kept; what could not be sent is sent on the next session.
 */
import type { TaskStatus } from '../proto/types.js';

export type SendStatus = (updates: { taskId: string; status: TaskStatus }[]) => Promise<void>;

export class StatusReporter {
  private pending = new Map<string, TaskStatus>();
  private timer: NodeJS.Timeout | undefined;
  private sending = false;
  private send: SendStatus | undefined;

  constructor(private readonly batchMs = 20) {}

  report(taskId: string, status: TaskStatus): void {
    this.pending.set(taskId, status);
    this.schedule();
  }

  /** Sets where reports go (a new session), or nowhere until the next one. */
  connect(send: SendStatus | undefined): void {
    this.send = send;
    if (send) this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
    this.send = undefined;
  }

  private schedule(): void {
    if (this.timer || this.sending || !this.send || this.pending.size === 0) return;
    this.timer = setTimeout(() => void this.flush(), this.batchMs);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const send = this.send;
    if (!send) return;
    const batch = this.pending;
    this.pending = new Map();
    this.sending = true;
    try {
      await send([...batch].map(([taskId, status]) => ({ taskId, status })));
    } catch {
      // Keep what failed unless a newer status came meanwhile; the next session resends it.
      for (const [id, status] of batch) if (!this.pending.has(id)) this.pending.set(id, status);
      this.send = this.send === send ? undefined : this.send;
    } finally {
      this.sending = false;
      this.schedule();
    }
  }
}
