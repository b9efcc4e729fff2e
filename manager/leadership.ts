/**
 * Which manager runs the leader-only loops (orchestrators, scheduler, dispatcher). The
 * embedded store follows Raft's leader; the etcd store campaigns with an etcd lease.
 */
export interface Leadership {
  readonly isLeader: boolean;
  /** The address of the manager that leads now, if one does. */
  leaderAddr(): Promise<string | undefined>;
  /**
   * Calls `fn` with the answer as it is in a microtask after `subscribe` returns (so `fn` may
   * call the unsubscribe function it returns), then with the new answer at each change after
   * that: never the same answer twice in a row. Nothing comes once unsubscribed. `close`
   * tells a leader's subscribers `false`; the answer stays `false` after that.
   */
  subscribe(fn: (isLeader: boolean) => void): () => void;
  /** Stops taking part: a leader steps down first, so that another can take over at once. */
  close(): Promise<void>;
}

/**
 * The answer a Leadership gives and the subscribers it tells, kept the same way by every
 * backend: `subscribe` as the interface says it, `set` at each change, `close` at the end.
 */
export class LeadershipState {
  private leading = false;
  private closed = false;
  /** Each subscriber with the answer it last heard; undefined until its first call. */
  private readonly heard = new Map<(isLeader: boolean) => void, boolean | undefined>();

  get isLeader(): boolean {
    return this.leading;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  subscribe(fn: (isLeader: boolean) => void): () => void {
    this.heard.set(fn, undefined);
    queueMicrotask(() => this.tell(fn));
    return () => this.heard.delete(fn);
  }

  /** Records the answer and tells the subscribers if it changed; returns whether it did. Ignored once closed. */
  set(leading: boolean): boolean {
    if (this.closed || leading === this.leading) return false;
    this.leading = leading;
    for (const [fn, last] of [...this.heard]) if (last !== undefined) this.tell(fn);
    return true;
  }

  /** Steps down (subscribers hear `false` if they heard `true`) and tells no one anything after. */
  close(): void {
    this.set(false);
    this.closed = true;
    this.heard.clear();
  }

  /**
   * Gives `fn` the answer as it is now, unless that is what it heard last or it has gone. A
   * subscriber that changes the answer while being told leaves the others to hear the newest.
   */
  private tell(fn: (isLeader: boolean) => void): void {
    if (!this.heard.has(fn) || this.heard.get(fn) === this.leading) return;
    this.heard.set(fn, this.leading);
    fn(this.leading);
  }
}
