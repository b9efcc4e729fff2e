// Original file: proto/flotilla/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { RaftBatchInput as _flotilla_RaftBatchInput, RaftBatch as _flotilla_RaftBatch } from '../flotilla/RaftBatch.js';
import type { RaftInstallSnapshotResponseInput as _flotilla_RaftInstallSnapshotResponseInput, RaftInstallSnapshotResponse as _flotilla_RaftInstallSnapshotResponse } from '../flotilla/RaftInstallSnapshotResponse.js';
import type { RaftSendResponseInput as _flotilla_RaftSendResponseInput, RaftSendResponse as _flotilla_RaftSendResponse } from '../flotilla/RaftSendResponse.js';
import type { RaftSnapshotChunkInput as _flotilla_RaftSnapshotChunkInput, RaftSnapshotChunk as _flotilla_RaftSnapshotChunk } from '../flotilla/RaftSnapshotChunk.js';

export interface RaftClient extends grpc.Client {
  /**
   * A snapshot too large for one message: the first chunk carries the Snap message
   * (its snapshot's metadata, no data), every chunk a slice of the data, in order.
   */
  InstallSnapshot(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RaftInstallSnapshotResponse>): grpc.ClientWritableStream<_flotilla_RaftSnapshotChunkInput>;
  InstallSnapshot(metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RaftInstallSnapshotResponse>): grpc.ClientWritableStream<_flotilla_RaftSnapshotChunkInput>;
  InstallSnapshot(options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RaftInstallSnapshotResponse>): grpc.ClientWritableStream<_flotilla_RaftSnapshotChunkInput>;
  InstallSnapshot(callback: grpc.requestCallback<_flotilla_RaftInstallSnapshotResponse>): grpc.ClientWritableStream<_flotilla_RaftSnapshotChunkInput>;
  /**
   * A snapshot too large for one message: the first chunk carries the Snap message
   * (its snapshot's metadata, no data), every chunk a slice of the data, in order.
   */
  installSnapshot(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RaftInstallSnapshotResponse>): grpc.ClientWritableStream<_flotilla_RaftSnapshotChunkInput>;
  installSnapshot(metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RaftInstallSnapshotResponse>): grpc.ClientWritableStream<_flotilla_RaftSnapshotChunkInput>;
  installSnapshot(options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RaftInstallSnapshotResponse>): grpc.ClientWritableStream<_flotilla_RaftSnapshotChunkInput>;
  installSnapshot(callback: grpc.requestCallback<_flotilla_RaftInstallSnapshotResponse>): grpc.ClientWritableStream<_flotilla_RaftSnapshotChunkInput>;
  
  /**
   * One long-lived stream per peer: batches of Raft messages, in order, no replies.
   */
  Send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RaftSendResponse>): grpc.ClientWritableStream<_flotilla_RaftBatchInput>;
  Send(metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RaftSendResponse>): grpc.ClientWritableStream<_flotilla_RaftBatchInput>;
  Send(options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RaftSendResponse>): grpc.ClientWritableStream<_flotilla_RaftBatchInput>;
  Send(callback: grpc.requestCallback<_flotilla_RaftSendResponse>): grpc.ClientWritableStream<_flotilla_RaftBatchInput>;
  /**
   * One long-lived stream per peer: batches of Raft messages, in order, no replies.
   */
  send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RaftSendResponse>): grpc.ClientWritableStream<_flotilla_RaftBatchInput>;
  send(metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RaftSendResponse>): grpc.ClientWritableStream<_flotilla_RaftBatchInput>;
  send(options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RaftSendResponse>): grpc.ClientWritableStream<_flotilla_RaftBatchInput>;
  send(callback: grpc.requestCallback<_flotilla_RaftSendResponse>): grpc.ClientWritableStream<_flotilla_RaftBatchInput>;
  
}

export interface RaftHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A snapshot too large for one message: the first chunk carries the Snap message
   * (its snapshot's metadata, no data), every chunk a slice of the data, in order.
   */
  InstallSnapshot: grpc.handleClientStreamingCall<_flotilla_RaftSnapshotChunk, _flotilla_RaftInstallSnapshotResponseInput>;
  
  /**
   * One long-lived stream per peer: batches of Raft messages, in order, no replies.
   */
  Send: grpc.handleClientStreamingCall<_flotilla_RaftBatch, _flotilla_RaftSendResponseInput>;
  
}

export interface RaftDefinition extends grpc.ServiceDefinition {
  InstallSnapshot: MethodDefinition<_flotilla_RaftSnapshotChunkInput, _flotilla_RaftInstallSnapshotResponseInput, _flotilla_RaftSnapshotChunk, _flotilla_RaftInstallSnapshotResponse>
  Send: MethodDefinition<_flotilla_RaftBatchInput, _flotilla_RaftSendResponseInput, _flotilla_RaftBatch, _flotilla_RaftSendResponse>
}
