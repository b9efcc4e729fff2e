// Original file: proto/flotilla/dispatcher.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HeartbeatRequestInput as _flotilla_HeartbeatRequestInput, HeartbeatRequest as _flotilla_HeartbeatRequest } from '../flotilla/HeartbeatRequest.js';
import type { HeartbeatResponseInput as _flotilla_HeartbeatResponseInput, HeartbeatResponse as _flotilla_HeartbeatResponse } from '../flotilla/HeartbeatResponse.js';
import type { SessionMessageInput as _flotilla_SessionMessageInput, SessionMessage as _flotilla_SessionMessage } from '../flotilla/SessionMessage.js';
import type { SessionRequestInput as _flotilla_SessionRequestInput, SessionRequest as _flotilla_SessionRequest } from '../flotilla/SessionRequest.js';
import type { UpdateTaskStatusRequestInput as _flotilla_UpdateTaskStatusRequestInput, UpdateTaskStatusRequest as _flotilla_UpdateTaskStatusRequest } from '../flotilla/UpdateTaskStatusRequest.js';
import type { UpdateTaskStatusResponseInput as _flotilla_UpdateTaskStatusResponseInput, UpdateTaskStatusResponse as _flotilla_UpdateTaskStatusResponse } from '../flotilla/UpdateTaskStatusResponse.js';

export interface DispatcherClient extends grpc.Client {
  /**
   * A session's heartbeats, on one stream for as long as the session lasts: each beat is
   * answered by one message, in turn. A refused beat (no such session) ends the stream.
   */
  Beats(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_HeartbeatRequestInput, _flotilla_HeartbeatResponse>;
  Beats(options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_HeartbeatRequestInput, _flotilla_HeartbeatResponse>;
  /**
   * A session's heartbeats, on one stream for as long as the session lasts: each beat is
   * answered by one message, in turn. A refused beat (no such session) ends the stream.
   */
  beats(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_HeartbeatRequestInput, _flotilla_HeartbeatResponse>;
  beats(options?: grpc.CallOptions): grpc.ClientDuplexStream<_flotilla_HeartbeatRequestInput, _flotilla_HeartbeatResponse>;
  
  /**
   * Opens a session; the stream carries the node's assignments for as long as it lasts.
   */
  Session(argument: _flotilla_SessionRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_SessionMessage>;
  Session(argument: _flotilla_SessionRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_SessionMessage>;
  /**
   * Opens a session; the stream carries the node's assignments for as long as it lasts.
   */
  session(argument: _flotilla_SessionRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_SessionMessage>;
  session(argument: _flotilla_SessionRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_SessionMessage>;
  
  UpdateTaskStatus(argument: _flotilla_UpdateTaskStatusRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateTaskStatusResponse>): grpc.ClientUnaryCall;
  UpdateTaskStatus(argument: _flotilla_UpdateTaskStatusRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateTaskStatusResponse>): grpc.ClientUnaryCall;
  UpdateTaskStatus(argument: _flotilla_UpdateTaskStatusRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateTaskStatusResponse>): grpc.ClientUnaryCall;
  UpdateTaskStatus(argument: _flotilla_UpdateTaskStatusRequestInput, callback: grpc.requestCallback<_flotilla_UpdateTaskStatusResponse>): grpc.ClientUnaryCall;
  updateTaskStatus(argument: _flotilla_UpdateTaskStatusRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateTaskStatusResponse>): grpc.ClientUnaryCall;
  updateTaskStatus(argument: _flotilla_UpdateTaskStatusRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateTaskStatusResponse>): grpc.ClientUnaryCall;
  updateTaskStatus(argument: _flotilla_UpdateTaskStatusRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateTaskStatusResponse>): grpc.ClientUnaryCall;
  updateTaskStatus(argument: _flotilla_UpdateTaskStatusRequestInput, callback: grpc.requestCallback<_flotilla_UpdateTaskStatusResponse>): grpc.ClientUnaryCall;
  
}

export interface DispatcherHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A session's heartbeats, on one stream for as long as the session lasts: each beat is
   * answered by one message, in turn. A refused beat (no such session) ends the stream.
   */
  Beats: grpc.handleBidiStreamingCall<_flotilla_HeartbeatRequest, _flotilla_HeartbeatResponseInput>;
  
  /**
   * Opens a session; the stream carries the node's assignments for as long as it lasts.
   */
  Session: grpc.handleServerStreamingCall<_flotilla_SessionRequest, _flotilla_SessionMessageInput>;
  
  UpdateTaskStatus: grpc.handleUnaryCall<_flotilla_UpdateTaskStatusRequest, _flotilla_UpdateTaskStatusResponseInput>;
  
}

export interface DispatcherDefinition extends grpc.ServiceDefinition {
  Beats: MethodDefinition<_flotilla_HeartbeatRequestInput, _flotilla_HeartbeatResponseInput, _flotilla_HeartbeatRequest, _flotilla_HeartbeatResponse>
  Session: MethodDefinition<_flotilla_SessionRequestInput, _flotilla_SessionMessageInput, _flotilla_SessionRequest, _flotilla_SessionMessage>
  UpdateTaskStatus: MethodDefinition<_flotilla_UpdateTaskStatusRequestInput, _flotilla_UpdateTaskStatusResponseInput, _flotilla_UpdateTaskStatusRequest, _flotilla_UpdateTaskStatusResponse>
}
