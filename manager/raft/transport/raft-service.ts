/**
 * The Raft gRPC service as both ends use it: the generated definition's paths and responses,
 * with its two requests in the hand-written codec (codec.ts), so that messages go from the
 * core's Message to bytes and back without wire objects in between.
 */
import * as grpc from '@grpc/grpc-js';
import { wire } from '../../../proto/load.js';
import { decodeBatch, decodeChunk, encodeBatch, encodeChunk } from './codec.js';
import type { SendBatch, SnapshotChunk } from './codec.js';

const generated = wire.flotilla.Raft.service;

export const raftService = {
  Send: { ...generated.Send, requestSerialize: encodeBatch, requestDeserialize: decodeBatch },
  InstallSnapshot: {
    ...generated.InstallSnapshot,
    requestSerialize: encodeChunk,
    requestDeserialize: decodeChunk,
  },
};

type Done = (err: grpc.ServiceError | null) => void;

export interface RaftPeerClient extends grpc.Client {
  Send(callback: Done): grpc.ClientWritableStream<SendBatch>;
  InstallSnapshot(callback: Done): grpc.ClientWritableStream<SnapshotChunk>;
}

export const RaftPeerClient = grpc.makeGenericClientConstructor(raftService, 'Raft') as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => RaftPeerClient;

export interface RaftServiceHandlers extends grpc.UntypedServiceImplementation {
  Send: grpc.handleClientStreamingCall<SendBatch, object>;
  InstallSnapshot: grpc.handleClientStreamingCall<SnapshotChunk, object>;
}
