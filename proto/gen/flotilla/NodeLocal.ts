// Original file: proto/flotilla/node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { LeaveRequestInput as _flotilla_LeaveRequestInput, LeaveRequest as _flotilla_LeaveRequest } from '../flotilla/LeaveRequest.js';
import type { LeaveResponseInput as _flotilla_LeaveResponseInput, LeaveResponse as _flotilla_LeaveResponse } from '../flotilla/LeaveResponse.js';

/**
 * What only the node's own user may ask, on its local socket.
 */
export interface NodeLocalClient extends grpc.Client {
  /**
   * Stops every task of the node and its daemon, which leaves the cluster (the managers then
   * see it down, until `cluster node rm`).
   */
  Leave(argument: _flotilla_LeaveRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_LeaveResponse>): grpc.ClientUnaryCall;
  Leave(argument: _flotilla_LeaveRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_LeaveResponse>): grpc.ClientUnaryCall;
  Leave(argument: _flotilla_LeaveRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_LeaveResponse>): grpc.ClientUnaryCall;
  Leave(argument: _flotilla_LeaveRequestInput, callback: grpc.requestCallback<_flotilla_LeaveResponse>): grpc.ClientUnaryCall;
  /**
   * Stops every task of the node and its daemon, which leaves the cluster (the managers then
   * see it down, until `cluster node rm`).
   */
  leave(argument: _flotilla_LeaveRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_LeaveResponse>): grpc.ClientUnaryCall;
  leave(argument: _flotilla_LeaveRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_LeaveResponse>): grpc.ClientUnaryCall;
  leave(argument: _flotilla_LeaveRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_LeaveResponse>): grpc.ClientUnaryCall;
  leave(argument: _flotilla_LeaveRequestInput, callback: grpc.requestCallback<_flotilla_LeaveResponse>): grpc.ClientUnaryCall;
  
}

/**
 * What only the node's own user may ask, on its local socket.
 */
export interface NodeLocalHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Stops every task of the node and its daemon, which leaves the cluster (the managers then
   * see it down, until `cluster node rm`).
   */
  Leave: grpc.handleUnaryCall<_flotilla_LeaveRequest, _flotilla_LeaveResponseInput>;
  
}

export interface NodeLocalDefinition extends grpc.ServiceDefinition {
  Leave: MethodDefinition<_flotilla_LeaveRequestInput, _flotilla_LeaveResponseInput, _flotilla_LeaveRequest, _flotilla_LeaveResponse>
}
