// Original file: proto/flotilla/ca.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { JoinRequestInput as _flotilla_JoinRequestInput, JoinRequest as _flotilla_JoinRequest } from '../flotilla/JoinRequest.js';
import type { JoinResponseInput as _flotilla_JoinResponseInput, JoinResponse as _flotilla_JoinResponse } from '../flotilla/JoinResponse.js';

export interface NodeCAClient extends grpc.Client {
  Join(argument: _flotilla_JoinRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  Join(argument: _flotilla_JoinRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  Join(argument: _flotilla_JoinRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  Join(argument: _flotilla_JoinRequestInput, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  join(argument: _flotilla_JoinRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  join(argument: _flotilla_JoinRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  join(argument: _flotilla_JoinRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  join(argument: _flotilla_JoinRequestInput, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  
}

export interface NodeCAHandlers extends grpc.UntypedServiceImplementation {
  Join: grpc.handleUnaryCall<_flotilla_JoinRequest, _flotilla_JoinResponseInput>;
  
}

export interface NodeCADefinition extends grpc.ServiceDefinition {
  Join: MethodDefinition<_flotilla_JoinRequestInput, _flotilla_JoinResponseInput, _flotilla_JoinRequest, _flotilla_JoinResponse>
}
