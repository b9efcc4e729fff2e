/**
 * The sending side towards one peer: its channel, the long-lived Send stream that carries
 * batches of messages, the backoff after that stream fails, and the one snapshot in flight.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../../lib/log.js';
import { connect } from '../../../proto/rpc.js';
import type { TlsCredentials } from '../../../proto/tls.js';
import type { Message, RaftId } from '../types.js';
import { sliceChunks, wireSize, type SendBatch, type SnapshotChunk } from './codec.js';
import { RaftPeerClient } from './raft-service.js';

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1_000;
// What may be held back while a stream is full (write() returned false), until it drains.
const MAX_HELD_BATCHES = 4096;
const MAX_HELD_BYTES = 64 * 1024 * 1024;
// Held batches are merged up to this size: fewer, larger writes catch up faster.
const MAX_MERGED_BYTES = 4 * 1024 * 1024;

/** What a peer reports; called synchronously, so the receiver defers if it must. */
export interface PeerEvents {
  unreachable(id: RaftId): void;
  snapshotSent(id: RaftId, ok: boolean): void;
}

interface SendStream {
  readonly call: grpc.ClientWritableStream<SendBatch>;
  readonly openedAt: number;
  /** The peer's server took the call (sent its headers). */
  accepted: boolean;
  /** write() returned false and no 'drain' since: batches are held back, merged. */
  full: boolean;
  readonly held: HeldBatch[];
  /** Batches given to flush() and held, and their size; the bounds apply to these. */
  heldBatches: number;
  heldBytes: number;
}

interface HeldBatch {
  messages: Message[];
  batches: number;
  bytes: number;
}

export class PeerStream {
  private readonly client: RaftPeerClient;
  private stream: SendStream | undefined;
  private retryAt = 0;
  private backoffMs = MIN_BACKOFF_MS;
  /** Unreachable was reported since the stream was last (re)opened or drained. */
  private reported = false;
  private outbox: Message[] = [];
  private outboxBytes = 0;
  private snapshot: grpc.ClientWritableStream<SnapshotChunk> | undefined;

  constructor(
    readonly id: RaftId,
    readonly address: string,
    private readonly clusterId: string,
    private readonly log: Logger,
    private readonly events: PeerEvents,
    tls: TlsCredentials,
  ) {
    this.client = connect(RaftPeerClient, address, tls);
  }

  /**
   * Whether messages can go out now. Not while the stream is down and backing off: then
   * they are dropped (Raft retransmits) and the peer is reported unreachable, once.
   */
  accepting(): boolean {
    if (this.stream || Date.now() >= this.retryAt) return true;
    this.markUnreachable();
    return false;
  }

  /** Adds `m` to the next batch; true if it is the first one since the last flush(). */
  queue(m: Message): boolean {
    this.outbox.push(m);
    this.outboxBytes += wireSize(m);
    return this.outbox.length === 1;
  }

  /**
   * Writes the queued messages as one batch, opening the stream if there is none. While the
   * stream is full they are held back instead, within bounds; beyond them, dropped.
   */
  flush(): void {
    const messages = this.outbox;
    const bytes = this.outboxBytes;
    this.outbox = [];
    this.outboxBytes = 0;
    if (messages.length === 0) return;
    const s = this.stream ?? this.open();
    if (!s.full) {
      s.full = !s.call.write({ clusterId: this.clusterId, messages });
      return;
    }
    if (s.heldBatches >= MAX_HELD_BATCHES || s.heldBytes + bytes > MAX_HELD_BYTES) {
      this.log.debug({ peer: this.id, messages: messages.length }, 'raft stream backed up: batch dropped');
      this.markUnreachable();
      return;
    }
    s.heldBatches++;
    s.heldBytes += bytes;
    const last = s.held[s.held.length - 1];
    if (last && last.bytes + bytes <= MAX_MERGED_BYTES) {
      for (const m of messages) last.messages.push(m);
      last.batches++;
      last.bytes += bytes;
    } else {
      s.held.push({ messages, batches: 1, bytes });
    }
  }

  /** Streams `m` (which carries a snapshot) in chunks of its data; reports snapshotSent when done. */
  sendSnapshot(m: Message, chunkBytes: number): void {
    if (this.snapshot) {
      this.log.info({ peer: this.id }, 'a snapshot is already in flight to this peer: another one dropped');
      this.events.snapshotSent(this.id, false);
      return;
    }
    const call = this.client.InstallSnapshot((err) => {
      if (this.snapshot === call) this.snapshot = undefined;
      if (err) this.log.info({ peer: this.id, err: err.details }, 'snapshot not sent');
      else this.log.info({ peer: this.id, index: m.snapshot?.metadata.index }, 'snapshot sent');
      this.events.snapshotSent(this.id, !err);
    });
    call.on('error', () => undefined); // a write after the call failed; the callback reports it
    this.snapshot = call;

    const slices = sliceChunks(m.snapshot?.data ?? new Uint8Array(0), chunkBytes);
    let next = 0;
    const pump = (): void => {
      while (next < slices.length) {
        const chunk: SnapshotChunk = { clusterId: this.clusterId, data: slices[next]! };
        if (next++ === 0) chunk.message = m;
        if (!call.write(chunk)) {
          call.once('drain', pump);
          return;
        }
      }
      call.end();
    };
    pump();
  }

  /** Cancels the streams and closes the channel; reports nothing more but a snapshot's failure. */
  close(): void {
    const s = this.stream;
    this.stream = undefined;
    s?.call.cancel();
    this.snapshot?.cancel();
    this.client.close();
  }

  private open(): SendStream {
    const call = this.client.Send((err) => this.ended(s, err));
    const s: SendStream = {
      call,
      openedAt: Date.now(),
      accepted: false,
      full: false,
      held: [],
      heldBatches: 0,
      heldBytes: 0,
    };
    call.on('metadata', () => (s.accepted = true));
    call.on('drain', () => this.drained(s));
    call.on('error', () => undefined); // a write after the call failed; the callback reports it
    this.stream = s;
    this.reported = false;
    return s;
  }

  /** Writes what was held back, as long as the stream takes it. */
  private drained(s: SendStream): void {
    s.full = false;
    while (!s.full) {
      const next = s.held.shift();
      if (!next) {
        this.reported = false; // caught up: a new backlog may be reported again
        return;
      }
      s.heldBatches -= next.batches;
      s.heldBytes -= next.bytes;
      s.full = !s.call.write({ clusterId: this.clusterId, messages: next.messages });
    }
  }

  private ended(s: SendStream, err: grpc.ServiceError | null): void {
    if (this.stream !== s) return; // closed or replaced: nothing to report
    this.stream = undefined;
    const now = Date.now();
    // A stream that worked for a while starts the backoff afresh; one that keeps failing doubles it.
    if (s.accepted && now - s.openedAt >= MAX_BACKOFF_MS) this.backoffMs = MIN_BACKOFF_MS;
    this.retryAt = now + this.backoffMs;
    const fields = {
      peer: this.id,
      address: this.address,
      err: err?.details ?? 'ended',
      retryMs: this.backoffMs,
    };
    if (err?.code === grpc.status.PERMISSION_DENIED) this.log.warn(fields, 'raft stream refused');
    else this.log.debug(fields, 'raft stream down');
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.markUnreachable();
  }

  private markUnreachable(): void {
    if (this.reported) return;
    this.reported = true;
    this.events.unreachable(this.id);
  }
}
