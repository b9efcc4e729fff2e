/** What the Raft benchmark needs of a 3-member replicated store, ours or etcd. */
export interface MemberStatus {
  /** The leader's member id as this member sees it; 0 when it knows none. */
  leader: number;
  term: number;
}

export interface RaftSystem {
  readonly name: string;
  /** Member ids, 1..3. */
  readonly ids: readonly number[];
  /** The current leader's id; waits for one. */
  leader(): Promise<number>;
  /**
   * A put through member `id`. A member that does not lead forwards it (etcd) or names the
   * leader, which is then tried once (ours), so either way one call may succeed anywhere.
   */
  put(id: number, key: string, value: Uint8Array, timeoutMs: number): Promise<void>;
  status(id: number, timeoutMs: number): Promise<MemberStatus>;
  /** Process ids of the members that run, for the CPU they use. */
  pids(): number[];
  /** SIGKILLs a member before it returns; resolves once the process is gone. */
  kill(id: number): Promise<void>;
  /** Starts a killed member again from its data dir. */
  restart(id: number): Promise<void>;
  /** Waits until every member runs, all follow one leader, and all have caught up. */
  waitHealthy(): Promise<void>;
  close(): Promise<void>;
}
