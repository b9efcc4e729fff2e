// Original file: proto/flotilla/ca.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { IssuedCertificateInput as _flotilla_IssuedCertificateInput, IssuedCertificate as _flotilla_IssuedCertificate } from '../flotilla/IssuedCertificate.js';
import type { JoinRequestInput as _flotilla_JoinRequestInput, JoinRequest as _flotilla_JoinRequest } from '../flotilla/JoinRequest.js';
import type { JoinResponseInput as _flotilla_JoinResponseInput, JoinResponse as _flotilla_JoinResponse } from '../flotilla/JoinResponse.js';
import type { RenewCertificateRequestInput as _flotilla_RenewCertificateRequestInput, RenewCertificateRequest as _flotilla_RenewCertificateRequest } from '../flotilla/RenewCertificateRequest.js';

/**
 * Served to callers without a certificate too (Join), over TLS under the cluster CA.
 */
export interface NodeCAClient extends grpc.Client {
  Join(argument: _flotilla_JoinRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  Join(argument: _flotilla_JoinRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  Join(argument: _flotilla_JoinRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  Join(argument: _flotilla_JoinRequestInput, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  join(argument: _flotilla_JoinRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  join(argument: _flotilla_JoinRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  join(argument: _flotilla_JoinRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  join(argument: _flotilla_JoinRequestInput, callback: grpc.requestCallback<_flotilla_JoinResponse>): grpc.ClientUnaryCall;
  
  /**
   * A node's new certificate, for its id and current role: before the old one expires, after
   * a role change or a new root.
   */
  RenewCertificate(argument: _flotilla_RenewCertificateRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  RenewCertificate(argument: _flotilla_RenewCertificateRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  RenewCertificate(argument: _flotilla_RenewCertificateRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  RenewCertificate(argument: _flotilla_RenewCertificateRequestInput, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  /**
   * A node's new certificate, for its id and current role: before the old one expires, after
   * a role change or a new root.
   */
  renewCertificate(argument: _flotilla_RenewCertificateRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  renewCertificate(argument: _flotilla_RenewCertificateRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  renewCertificate(argument: _flotilla_RenewCertificateRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  renewCertificate(argument: _flotilla_RenewCertificateRequestInput, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  
}

/**
 * Served to callers without a certificate too (Join), over TLS under the cluster CA.
 */
export interface NodeCAHandlers extends grpc.UntypedServiceImplementation {
  Join: grpc.handleUnaryCall<_flotilla_JoinRequest, _flotilla_JoinResponseInput>;
  
  /**
   * A node's new certificate, for its id and current role: before the old one expires, after
   * a role change or a new root.
   */
  RenewCertificate: grpc.handleUnaryCall<_flotilla_RenewCertificateRequest, _flotilla_IssuedCertificateInput>;
  
}

export interface NodeCADefinition extends grpc.ServiceDefinition {
  Join: MethodDefinition<_flotilla_JoinRequestInput, _flotilla_JoinResponseInput, _flotilla_JoinRequest, _flotilla_JoinResponse>
  RenewCertificate: MethodDefinition<_flotilla_RenewCertificateRequestInput, _flotilla_IssuedCertificateInput, _flotilla_RenewCertificateRequest, _flotilla_IssuedCertificate>
}
