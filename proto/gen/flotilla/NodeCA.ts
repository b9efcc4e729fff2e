// Original file: proto/flotilla/ca.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetKeyEncryptionKeyRequestInput as _flotilla_GetKeyEncryptionKeyRequestInput, GetKeyEncryptionKeyRequest as _flotilla_GetKeyEncryptionKeyRequest } from '../flotilla/GetKeyEncryptionKeyRequest.js';
import type { IssuedCertificateInput as _flotilla_IssuedCertificateInput, IssuedCertificate as _flotilla_IssuedCertificate } from '../flotilla/IssuedCertificate.js';
import type { JoinRequestInput as _flotilla_JoinRequestInput, JoinRequest as _flotilla_JoinRequest } from '../flotilla/JoinRequest.js';
import type { JoinResponseInput as _flotilla_JoinResponseInput, JoinResponse as _flotilla_JoinResponse } from '../flotilla/JoinResponse.js';
import type { KeyEncryptionKeyInput as _flotilla_KeyEncryptionKeyInput, KeyEncryptionKey as _flotilla_KeyEncryptionKey } from '../flotilla/KeyEncryptionKey.js';
import type { RenewCertificateRequestInput as _flotilla_RenewCertificateRequestInput, RenewCertificateRequest as _flotilla_RenewCertificateRequest } from '../flotilla/RenewCertificateRequest.js';

/**
 * Served to callers without a certificate too (Join), over TLS under the cluster CA.
 */
export interface NodeCAClient extends grpc.Client {
  /**
   * For managers only: the key-encryption key that opens the cluster's data key, for a
   * manager that does not hold it yet (new, promoted) or holds one rotated away.
   */
  GetKeyEncryptionKey(argument: _flotilla_GetKeyEncryptionKeyRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_KeyEncryptionKey>): grpc.ClientUnaryCall;
  GetKeyEncryptionKey(argument: _flotilla_GetKeyEncryptionKeyRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_KeyEncryptionKey>): grpc.ClientUnaryCall;
  GetKeyEncryptionKey(argument: _flotilla_GetKeyEncryptionKeyRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_KeyEncryptionKey>): grpc.ClientUnaryCall;
  GetKeyEncryptionKey(argument: _flotilla_GetKeyEncryptionKeyRequestInput, callback: grpc.requestCallback<_flotilla_KeyEncryptionKey>): grpc.ClientUnaryCall;
  /**
   * For managers only: the key-encryption key that opens the cluster's data key, for a
   * manager that does not hold it yet (new, promoted) or holds one rotated away.
   */
  getKeyEncryptionKey(argument: _flotilla_GetKeyEncryptionKeyRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_KeyEncryptionKey>): grpc.ClientUnaryCall;
  getKeyEncryptionKey(argument: _flotilla_GetKeyEncryptionKeyRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_KeyEncryptionKey>): grpc.ClientUnaryCall;
  getKeyEncryptionKey(argument: _flotilla_GetKeyEncryptionKeyRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_KeyEncryptionKey>): grpc.ClientUnaryCall;
  getKeyEncryptionKey(argument: _flotilla_GetKeyEncryptionKeyRequestInput, callback: grpc.requestCallback<_flotilla_KeyEncryptionKey>): grpc.ClientUnaryCall;
  
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
  /**
   * For managers only: the key-encryption key that opens the cluster's data key, for a
   * manager that does not hold it yet (new, promoted) or holds one rotated away.
   */
  GetKeyEncryptionKey: grpc.handleUnaryCall<_flotilla_GetKeyEncryptionKeyRequest, _flotilla_KeyEncryptionKeyInput>;
  
  Join: grpc.handleUnaryCall<_flotilla_JoinRequest, _flotilla_JoinResponseInput>;
  
  /**
   * A node's new certificate, for its id and current role: before the old one expires, after
   * a role change or a new root.
   */
  RenewCertificate: grpc.handleUnaryCall<_flotilla_RenewCertificateRequest, _flotilla_IssuedCertificateInput>;
  
}

export interface NodeCADefinition extends grpc.ServiceDefinition {
  GetKeyEncryptionKey: MethodDefinition<_flotilla_GetKeyEncryptionKeyRequestInput, _flotilla_KeyEncryptionKeyInput, _flotilla_GetKeyEncryptionKeyRequest, _flotilla_KeyEncryptionKey>
  Join: MethodDefinition<_flotilla_JoinRequestInput, _flotilla_JoinResponseInput, _flotilla_JoinRequest, _flotilla_JoinResponse>
  RenewCertificate: MethodDefinition<_flotilla_RenewCertificateRequestInput, _flotilla_IssuedCertificateInput, _flotilla_RenewCertificateRequest, _flotilla_IssuedCertificate>
}
