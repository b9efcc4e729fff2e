/**
 * Which manager runs the leader-only loops (orchestrators, scheduler, dispatcher). The
 * embedded store follows Raft's leader; the etcd store campaigns with an etcd lease.
 */
export interface Leadership {
  readonly isLeader: boolean;
  /** The address of the manager that leads now, if one does. */
  leaderAddr(): Promise<string | undefined>;
  /** Calls `fn` with the current answer now, then at every change. Returns an unsubscribe function. */
  subscribe(fn: (isLeader: boolean) => void): () => void;
  /** Stops taking part: a leader steps down first, so that another can take over at once. */
  close(): Promise<void>;
}
