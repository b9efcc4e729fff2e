/**
 * Raft between managers over gRPC: one channel and one long-lived Send stream per peer
 * (see peer-stream.ts) for batches of messages, and InstallSnapshot calls for snapshots.
 */
import * as grpc from '@grpc/grpc-js';
import { constants as bufferConstants } from 'node:buffer';
import type { Logger } from '../../../lib/log.js';
import { FlotillaError, describeError, invalidArgument } from '../../../lib/errors.js';
import { serve, toServiceError } from '../../../proto/rpc.js';
import type { TlsCredentials } from '../../../proto/tls.js';
import type { RaftTransport, RaftTransportHandler } from '../node/index.js';
import { MessageType, type Message, type RaftId } from '../types.js';
import type { SendBatch, SnapshotChunk } from './codec.js';
import { PeerStream, type PeerEvents } from './peer-stream.js';
import { raftService, type RaftServiceHandlers } from './raft-service.js';

export interface GrpcRaftTransportOptions {
  /** This member. */
  id: RaftId;
  /** Carried by every batch and chunk; the receiver refuses any other. */
  clusterId: string;
  logger: Logger;
  /** Size of the data slices a snapshot streams in; default 1 MiB. */
  snapshotChunkBytes?: number;
  /** Larger incoming snapshots are refused; default (and at most) 4 GiB. */
  maxSnapshotBytes?: number;
  /** This member's TLS identity, for its streams to peers. */
  tls: TlsCredentials;
}

/** One incoming call: answered once, by the stream's end, a refusal, or close(). */
class ServerCall {
  done = false;

  constructor(
    private readonly callback: grpc.sendUnaryData<object>,
    private readonly open: Set<ServerCall>,
  ) {
    open.add(this);
  }

  finish(err?: FlotillaError): void {
    if (this.done) return;
    this.forget();
    if (err) this.callback(toServiceError(err));
    else this.callback(null, {});
  }

  /** The call is gone (cancelled or closed): nothing to answer. */
  forget(): void {
    this.done = true;
    this.open.delete(this);
  }
}

export class GrpcRaftTransport implements RaftTransport {
  private readonly id: RaftId;
  private readonly clusterId: string;
  private readonly tls: TlsCredentials;
  private readonly log: Logger;
  private readonly chunkBytes: number;
  private readonly maxSnapshotBytes: number;
  private readonly peers = new Map<RaftId, PeerStream>();
  private readonly calls = new Set<ServerCall>();
  /** Peers with messages queued by the send() under way; reused across calls. */
  private readonly touched: PeerStream[] = [];
  private handler: RaftTransportHandler | undefined;
  private closed = false;

  // Reports from peers reach the handler later, never from inside send().
  private readonly events: PeerEvents = {
    unreachable: (id) => this.notify((h) => h.unreachable(id)),
    snapshotSent: (id, ok) => this.notify((h) => h.snapshotSent(id, ok)),
  };

  constructor(opts: GrpcRaftTransportOptions) {
    const chunkBytes = opts.snapshotChunkBytes ?? 1024 * 1024;
    // Chunks must fit in a gRPC message (64 MiB, see proto/rpc.ts) with room to spare.
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > 32 * 1024 * 1024) {
      throw invalidArgument('snapshotChunkBytes', 'an integer from 1 to 32 MiB', chunkBytes);
    }
    this.id = opts.id;
    this.clusterId = opts.clusterId;
    this.tls = opts.tls;
    this.log = opts.logger.child({ room: 'raft-transport' });
    this.chunkBytes = chunkBytes;
    this.maxSnapshotBytes = Math.min(opts.maxSnapshotBytes ?? Infinity, bufferConstants.MAX_LENGTH);
  }

  /**
   * Adds the Raft service to a server the caller owns and listens on: for managers'
   * certificates only, less those `revoked` names.
   */
  register(server: grpc.Server, revoked?: (nodeId: string) => boolean): void {
    const handlers: RaftServiceHandlers = {
      Send: (call, callback) => this.serveSend(call, callback),
      InstallSnapshot: (call, callback) => this.serveSnapshot(call, callback),
    };
    serve(server, raftService, handlers, { allow: ['manager'], revoked });
  }

  start(handler: RaftTransportHandler): void {
    if (!this.closed) this.handler = handler;
  }

  send(messages: readonly Message[]): void {
    if (this.closed) return;
    for (const m of messages) {
      const peer = this.peers.get(m.to);
      if (!peer) {
        this.log.debug({ to: m.to, type: MessageType[m.type] }, 'message for an unknown peer dropped');
        if (m.snapshot) this.events.snapshotSent(m.to, false);
      } else if (m.snapshot) {
        peer.sendSnapshot(m, this.chunkBytes);
      } else if (peer.accepting() && peer.queue(m)) {
        this.touched.push(peer);
      }
    }
    for (const peer of this.touched) peer.flush();
    this.touched.length = 0;
  }

  setPeer(id: RaftId, address: string): void {
    if (this.closed) return;
    const old = this.peers.get(id);
    if (old?.address === address) return;
    old?.close();
    this.peers.set(id, new PeerStream(id, address, this.clusterId, this.log, this.events, this.tls));
    this.log.info({ peer: id, address }, old ? 'raft peer moved' : 'raft peer added');
  }

  removePeer(id: RaftId): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    peer.close();
    this.peers.delete(id);
    this.log.info({ peer: id }, 'raft peer removed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    // Peers see their streams end now rather than when the server shuts down.
    const gone = new FlotillaError('UNAVAILABLE', `raft member ${this.id} is shutting down`);
    for (const call of [...this.calls]) call.finish(gone);
  }

  private serveSend(
    call: grpc.ServerReadableStream<SendBatch, object>,
    callback: grpc.sendUnaryData<object>,
  ): void {
    const sc = this.accept(callback);
    if (!sc) return;
    call.sendMetadata(new grpc.Metadata()); // tells the sender the stream is up
    call.on('data', (batch: SendBatch) => {
      if (sc.done) return;
      if (batch.clusterId !== this.clusterId) {
        sc.finish(this.refuse(batch.clusterId, call.getPeer()));
        return;
      }
      for (const m of batch.messages) this.deliver(m);
    });
    call.on('end', () => sc.finish());
    call.on('close', () => sc.forget());
  }

  private serveSnapshot(
    call: grpc.ServerReadableStream<SnapshotChunk, object>,
    callback: grpc.sendUnaryData<object>,
  ): void {
    const sc = this.accept(callback);
    if (!sc) return;
    let head: Message | undefined;
    let parts: Uint8Array[] = [];
    let size = 0;
    const fail = (err: FlotillaError): void => {
      parts = [];
      this.log.warn({ from: head?.from, address: call.getPeer(), err: err.message }, 'snapshot refused');
      sc.finish(err);
    };
    call.on('data', (chunk: SnapshotChunk) => {
      if (sc.done) return;
      if (chunk.clusterId !== this.clusterId) {
        sc.finish(this.refuse(chunk.clusterId, call.getPeer()));
        return;
      }
      if (!head) {
        if (!chunk.message?.snapshot) {
          fail(new FlotillaError('INVALID_ARGUMENT', 'the first snapshot chunk carries no snapshot message'));
          return;
        }
        head = chunk.message;
        if (head.to !== this.id) {
          fail(
            new FlotillaError('INVALID_ARGUMENT', `snapshot for member ${head.to} sent to member ${this.id}`),
          );
          return;
        }
      }
      size += chunk.data.length;
      if (size > this.maxSnapshotBytes) {
        fail(new FlotillaError('INVALID_ARGUMENT', `snapshot larger than ${this.maxSnapshotBytes} bytes`));
        return;
      }
      if (chunk.data.length > 0) parts.push(chunk.data);
    });
    call.on('end', () => {
      if (sc.done) return;
      if (!head?.snapshot) {
        fail(new FlotillaError('INVALID_ARGUMENT', 'snapshot stream without a snapshot message'));
        return;
      }
      const handler = this.handler;
      if (!handler) {
        fail(new FlotillaError('UNAVAILABLE', `raft member ${this.id} is not started`));
        return;
      }
      head.snapshot.data = parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts, size);
      parts = [];
      this.log.info(
        { from: head.from, index: head.snapshot.metadata.index, bytes: size },
        'snapshot received',
      );
      this.hand(handler, head);
      sc.finish();
    });
    // Cancelled or broken: whatever arrived is dropped, nothing is delivered.
    call.on('close', () => {
      parts = [];
      sc.forget();
    });
  }

  /** Tracks a new incoming call, or refuses it once closed. */
  private accept(callback: grpc.sendUnaryData<object>): ServerCall | undefined {
    if (!this.closed) return new ServerCall(callback, this.calls);
    callback(toServiceError(new FlotillaError('UNAVAILABLE', `raft member ${this.id} is shutting down`)));
    return undefined;
  }

  private refuse(theirs: string, from: string): FlotillaError {
    const err = new FlotillaError(
      'PERMISSION_DENIED',
      `raft messages from cluster ${theirs} refused by member ${this.id} of cluster ${this.clusterId}`,
    );
    this.log.warn({ address: from, clusterId: theirs }, err.message);
    return err;
  }

  private deliver(m: Message): void {
    const handler = this.handler;
    if (!handler) return;
    if (m.to !== this.id) {
      this.log.debug(
        { to: m.to, from: m.from, type: MessageType[m.type] },
        'message for another member dropped',
      );
      return;
    }
    this.hand(handler, m);
  }

  private hand(handler: RaftTransportHandler, m: Message): void {
    try {
      handler.receive(m);
    } catch (err) {
      this.log.error(
        { err: describeError(err), type: MessageType[m.type], from: m.from },
        'raft handler failed',
      );
    }
  }

  private notify(report: (h: RaftTransportHandler) => void): void {
    queueMicrotask(() => {
      const handler = this.handler;
      if (!handler) return;
      try {
        report(handler);
      } catch (err) {
        this.log.error({ err: describeError(err) }, 'raft handler failed');
      }
    });
  }
}
