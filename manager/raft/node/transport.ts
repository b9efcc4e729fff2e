import type { Message, RaftId } from '../types.js';

/** What a transport hands to the node it serves. */
export interface RaftTransportHandler {
  /** A message from a peer. A snapshot message arrives whole, after its data has streamed in. */
  receive(m: Message): void;
  /** `id` could not be reached; Raft stops streaming appends to it optimistically. */
  unreachable(id: RaftId): void;
  /** A snapshot sent to `id` was delivered (ok) or failed. */
  snapshotSent(id: RaftId, ok: boolean): void;
}

/** Moves Raft messages between the members of one group. */
export interface RaftTransport {
  /** Starts handing received messages to `handler`; until then they are dropped. */
  start(handler: RaftTransportHandler): void;
  /**
   * Sends messages without waiting, batched per peer and in order per peer. Never throws:
   * Raft tolerates loss, so failures are reported through handler.unreachable.
   */
  send(messages: readonly Message[]): void;
  /** Adds a peer or changes its address. */
  setPeer(id: RaftId, address: string): void;
  removePeer(id: RaftId): void;
  close(): Promise<void>;
}
