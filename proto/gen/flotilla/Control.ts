// Original file: proto/flotilla/control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClusterEventInput as _flotilla_ClusterEventInput, ClusterEvent as _flotilla_ClusterEvent } from '../flotilla/ClusterEvent.js';
import type { ConfigInfoInput as _flotilla_ConfigInfoInput, ConfigInfo as _flotilla_ConfigInfo } from '../flotilla/ConfigInfo.js';
import type { CreateConfigRequestInput as _flotilla_CreateConfigRequestInput, CreateConfigRequest as _flotilla_CreateConfigRequest } from '../flotilla/CreateConfigRequest.js';
import type { CreateNetworkRequestInput as _flotilla_CreateNetworkRequestInput, CreateNetworkRequest as _flotilla_CreateNetworkRequest } from '../flotilla/CreateNetworkRequest.js';
import type { CreateSecretRequestInput as _flotilla_CreateSecretRequestInput, CreateSecretRequest as _flotilla_CreateSecretRequest } from '../flotilla/CreateSecretRequest.js';
import type { CreateServiceRequestInput as _flotilla_CreateServiceRequestInput, CreateServiceRequest as _flotilla_CreateServiceRequest } from '../flotilla/CreateServiceRequest.js';
import type { CreateServiceResponseInput as _flotilla_CreateServiceResponseInput, CreateServiceResponse as _flotilla_CreateServiceResponse } from '../flotilla/CreateServiceResponse.js';
import type { DashboardLoginInput as _flotilla_DashboardLoginInput, DashboardLogin as _flotilla_DashboardLogin } from '../flotilla/DashboardLogin.js';
import type { DashboardLoginRequestInput as _flotilla_DashboardLoginRequestInput, DashboardLoginRequest as _flotilla_DashboardLoginRequest } from '../flotilla/DashboardLoginRequest.js';
import type { GetConfigRequestInput as _flotilla_GetConfigRequestInput, GetConfigRequest as _flotilla_GetConfigRequest } from '../flotilla/GetConfigRequest.js';
import type { GetJoinTokensRequestInput as _flotilla_GetJoinTokensRequestInput, GetJoinTokensRequest as _flotilla_GetJoinTokensRequest } from '../flotilla/GetJoinTokensRequest.js';
import type { GetJoinTokensResponseInput as _flotilla_GetJoinTokensResponseInput, GetJoinTokensResponse as _flotilla_GetJoinTokensResponse } from '../flotilla/GetJoinTokensResponse.js';
import type { GetNetworkRequestInput as _flotilla_GetNetworkRequestInput, GetNetworkRequest as _flotilla_GetNetworkRequest } from '../flotilla/GetNetworkRequest.js';
import type { GetNodeRequestInput as _flotilla_GetNodeRequestInput, GetNodeRequest as _flotilla_GetNodeRequest } from '../flotilla/GetNodeRequest.js';
import type { GetNodeResponseInput as _flotilla_GetNodeResponseInput, GetNodeResponse as _flotilla_GetNodeResponse } from '../flotilla/GetNodeResponse.js';
import type { GetSecretRequestInput as _flotilla_GetSecretRequestInput, GetSecretRequest as _flotilla_GetSecretRequest } from '../flotilla/GetSecretRequest.js';
import type { GetServiceRequestInput as _flotilla_GetServiceRequestInput, GetServiceRequest as _flotilla_GetServiceRequest } from '../flotilla/GetServiceRequest.js';
import type { GetServiceResponseInput as _flotilla_GetServiceResponseInput, GetServiceResponse as _flotilla_GetServiceResponse } from '../flotilla/GetServiceResponse.js';
import type { GetUnlockKeyRequestInput as _flotilla_GetUnlockKeyRequestInput, GetUnlockKeyRequest as _flotilla_GetUnlockKeyRequest } from '../flotilla/GetUnlockKeyRequest.js';
import type { IssueClientCertificateRequestInput as _flotilla_IssueClientCertificateRequestInput, IssueClientCertificateRequest as _flotilla_IssueClientCertificateRequest } from '../flotilla/IssueClientCertificateRequest.js';
import type { IssuedCertificateInput as _flotilla_IssuedCertificateInput, IssuedCertificate as _flotilla_IssuedCertificate } from '../flotilla/IssuedCertificate.js';
import type { ListConfigsRequestInput as _flotilla_ListConfigsRequestInput, ListConfigsRequest as _flotilla_ListConfigsRequest } from '../flotilla/ListConfigsRequest.js';
import type { ListConfigsResponseInput as _flotilla_ListConfigsResponseInput, ListConfigsResponse as _flotilla_ListConfigsResponse } from '../flotilla/ListConfigsResponse.js';
import type { ListNetworksRequestInput as _flotilla_ListNetworksRequestInput, ListNetworksRequest as _flotilla_ListNetworksRequest } from '../flotilla/ListNetworksRequest.js';
import type { ListNetworksResponseInput as _flotilla_ListNetworksResponseInput, ListNetworksResponse as _flotilla_ListNetworksResponse } from '../flotilla/ListNetworksResponse.js';
import type { ListNodesRequestInput as _flotilla_ListNodesRequestInput, ListNodesRequest as _flotilla_ListNodesRequest } from '../flotilla/ListNodesRequest.js';
import type { ListNodesResponseInput as _flotilla_ListNodesResponseInput, ListNodesResponse as _flotilla_ListNodesResponse } from '../flotilla/ListNodesResponse.js';
import type { ListSecretsRequestInput as _flotilla_ListSecretsRequestInput, ListSecretsRequest as _flotilla_ListSecretsRequest } from '../flotilla/ListSecretsRequest.js';
import type { ListSecretsResponseInput as _flotilla_ListSecretsResponseInput, ListSecretsResponse as _flotilla_ListSecretsResponse } from '../flotilla/ListSecretsResponse.js';
import type { ListServicesRequestInput as _flotilla_ListServicesRequestInput, ListServicesRequest as _flotilla_ListServicesRequest } from '../flotilla/ListServicesRequest.js';
import type { ListServicesResponseInput as _flotilla_ListServicesResponseInput, ListServicesResponse as _flotilla_ListServicesResponse } from '../flotilla/ListServicesResponse.js';
import type { ListTasksRequestInput as _flotilla_ListTasksRequestInput, ListTasksRequest as _flotilla_ListTasksRequest } from '../flotilla/ListTasksRequest.js';
import type { ListTasksResponseInput as _flotilla_ListTasksResponseInput, ListTasksResponse as _flotilla_ListTasksResponse } from '../flotilla/ListTasksResponse.js';
import type { NetworkInfoInput as _flotilla_NetworkInfoInput, NetworkInfo as _flotilla_NetworkInfo } from '../flotilla/NetworkInfo.js';
import type { PromoteServiceRequestInput as _flotilla_PromoteServiceRequestInput, PromoteServiceRequest as _flotilla_PromoteServiceRequest } from '../flotilla/PromoteServiceRequest.js';
import type { RemoveConfigRequestInput as _flotilla_RemoveConfigRequestInput, RemoveConfigRequest as _flotilla_RemoveConfigRequest } from '../flotilla/RemoveConfigRequest.js';
import type { RemoveConfigResponseInput as _flotilla_RemoveConfigResponseInput, RemoveConfigResponse as _flotilla_RemoveConfigResponse } from '../flotilla/RemoveConfigResponse.js';
import type { RemoveNetworkRequestInput as _flotilla_RemoveNetworkRequestInput, RemoveNetworkRequest as _flotilla_RemoveNetworkRequest } from '../flotilla/RemoveNetworkRequest.js';
import type { RemoveNetworkResponseInput as _flotilla_RemoveNetworkResponseInput, RemoveNetworkResponse as _flotilla_RemoveNetworkResponse } from '../flotilla/RemoveNetworkResponse.js';
import type { RemoveNodeRequestInput as _flotilla_RemoveNodeRequestInput, RemoveNodeRequest as _flotilla_RemoveNodeRequest } from '../flotilla/RemoveNodeRequest.js';
import type { RemoveNodeResponseInput as _flotilla_RemoveNodeResponseInput, RemoveNodeResponse as _flotilla_RemoveNodeResponse } from '../flotilla/RemoveNodeResponse.js';
import type { RemoveSecretRequestInput as _flotilla_RemoveSecretRequestInput, RemoveSecretRequest as _flotilla_RemoveSecretRequest } from '../flotilla/RemoveSecretRequest.js';
import type { RemoveSecretResponseInput as _flotilla_RemoveSecretResponseInput, RemoveSecretResponse as _flotilla_RemoveSecretResponse } from '../flotilla/RemoveSecretResponse.js';
import type { RemoveServiceRequestInput as _flotilla_RemoveServiceRequestInput, RemoveServiceRequest as _flotilla_RemoveServiceRequest } from '../flotilla/RemoveServiceRequest.js';
import type { RemoveServiceResponseInput as _flotilla_RemoveServiceResponseInput, RemoveServiceResponse as _flotilla_RemoveServiceResponse } from '../flotilla/RemoveServiceResponse.js';
import type { RollbackServiceRequestInput as _flotilla_RollbackServiceRequestInput, RollbackServiceRequest as _flotilla_RollbackServiceRequest } from '../flotilla/RollbackServiceRequest.js';
import type { RotateCARequestInput as _flotilla_RotateCARequestInput, RotateCARequest as _flotilla_RotateCARequest } from '../flotilla/RotateCARequest.js';
import type { RotateCAResponseInput as _flotilla_RotateCAResponseInput, RotateCAResponse as _flotilla_RotateCAResponse } from '../flotilla/RotateCAResponse.js';
import type { RotateJoinTokenRequestInput as _flotilla_RotateJoinTokenRequestInput, RotateJoinTokenRequest as _flotilla_RotateJoinTokenRequest } from '../flotilla/RotateJoinTokenRequest.js';
import type { RotateUnlockKeyRequestInput as _flotilla_RotateUnlockKeyRequestInput, RotateUnlockKeyRequest as _flotilla_RotateUnlockKeyRequest } from '../flotilla/RotateUnlockKeyRequest.js';
import type { SecretInfoInput as _flotilla_SecretInfoInput, SecretInfo as _flotilla_SecretInfo } from '../flotilla/SecretInfo.js';
import type { ServiceStateInput as _flotilla_ServiceStateInput, ServiceState as _flotilla_ServiceState } from '../flotilla/ServiceState.js';
import type { UnlockKeyInput as _flotilla_UnlockKeyInput, UnlockKey as _flotilla_UnlockKey } from '../flotilla/UnlockKey.js';
import type { UnlockRequestInput as _flotilla_UnlockRequestInput, UnlockRequest as _flotilla_UnlockRequest } from '../flotilla/UnlockRequest.js';
import type { UnlockResponseInput as _flotilla_UnlockResponseInput, UnlockResponse as _flotilla_UnlockResponse } from '../flotilla/UnlockResponse.js';
import type { UpdateAutolockRequestInput as _flotilla_UpdateAutolockRequestInput, UpdateAutolockRequest as _flotilla_UpdateAutolockRequest } from '../flotilla/UpdateAutolockRequest.js';
import type { UpdateNodeRequestInput as _flotilla_UpdateNodeRequestInput, UpdateNodeRequest as _flotilla_UpdateNodeRequest } from '../flotilla/UpdateNodeRequest.js';
import type { UpdateNodeResponseInput as _flotilla_UpdateNodeResponseInput, UpdateNodeResponse as _flotilla_UpdateNodeResponse } from '../flotilla/UpdateNodeResponse.js';
import type { UpdateServiceRequestInput as _flotilla_UpdateServiceRequestInput, UpdateServiceRequest as _flotilla_UpdateServiceRequest } from '../flotilla/UpdateServiceRequest.js';
import type { UpdateServiceResponseInput as _flotilla_UpdateServiceResponseInput, UpdateServiceResponse as _flotilla_UpdateServiceResponse } from '../flotilla/UpdateServiceResponse.js';
import type { WatchEventsRequestInput as _flotilla_WatchEventsRequestInput, WatchEventsRequest as _flotilla_WatchEventsRequest } from '../flotilla/WatchEventsRequest.js';
import type { WatchServiceRequestInput as _flotilla_WatchServiceRequestInput, WatchServiceRequest as _flotilla_WatchServiceRequest } from '../flotilla/WatchServiceRequest.js';

export interface ControlClient extends grpc.Client {
  /**
   * Configs: as secrets, but GetConfig answers with the value.
   */
  CreateConfig(argument: _flotilla_CreateConfigRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  CreateConfig(argument: _flotilla_CreateConfigRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  CreateConfig(argument: _flotilla_CreateConfigRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  CreateConfig(argument: _flotilla_CreateConfigRequestInput, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  /**
   * Configs: as secrets, but GetConfig answers with the value.
   */
  createConfig(argument: _flotilla_CreateConfigRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  createConfig(argument: _flotilla_CreateConfigRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  createConfig(argument: _flotilla_CreateConfigRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  createConfig(argument: _flotilla_CreateConfigRequestInput, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  
  CreateNetwork(argument: _flotilla_CreateNetworkRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  CreateNetwork(argument: _flotilla_CreateNetworkRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  CreateNetwork(argument: _flotilla_CreateNetworkRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  CreateNetwork(argument: _flotilla_CreateNetworkRequestInput, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  createNetwork(argument: _flotilla_CreateNetworkRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  createNetwork(argument: _flotilla_CreateNetworkRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  createNetwork(argument: _flotilla_CreateNetworkRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  createNetwork(argument: _flotilla_CreateNetworkRequestInput, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  
  /**
   * Secrets: answers never carry the value. Removal is refused while a service uses it.
   */
  CreateSecret(argument: _flotilla_CreateSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  CreateSecret(argument: _flotilla_CreateSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  CreateSecret(argument: _flotilla_CreateSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  CreateSecret(argument: _flotilla_CreateSecretRequestInput, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  /**
   * Secrets: answers never carry the value. Removal is refused while a service uses it.
   */
  createSecret(argument: _flotilla_CreateSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  createSecret(argument: _flotilla_CreateSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  createSecret(argument: _flotilla_CreateSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  createSecret(argument: _flotilla_CreateSecretRequestInput, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  
  CreateService(argument: _flotilla_CreateServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_CreateServiceResponse>): grpc.ClientUnaryCall;
  CreateService(argument: _flotilla_CreateServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_CreateServiceResponse>): grpc.ClientUnaryCall;
  CreateService(argument: _flotilla_CreateServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_CreateServiceResponse>): grpc.ClientUnaryCall;
  CreateService(argument: _flotilla_CreateServiceRequestInput, callback: grpc.requestCallback<_flotilla_CreateServiceResponse>): grpc.ClientUnaryCall;
  createService(argument: _flotilla_CreateServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_CreateServiceResponse>): grpc.ClientUnaryCall;
  createService(argument: _flotilla_CreateServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_CreateServiceResponse>): grpc.ClientUnaryCall;
  createService(argument: _flotilla_CreateServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_CreateServiceResponse>): grpc.ClientUnaryCall;
  createService(argument: _flotilla_CreateServiceRequestInput, callback: grpc.requestCallback<_flotilla_CreateServiceResponse>): grpc.ClientUnaryCall;
  
  /**
   * A sign-in link for the web dashboard: a short-lived token any manager accepts once
   * exchanged for a session (`cluster dashboard login`).
   */
  DashboardLogin(argument: _flotilla_DashboardLoginRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_DashboardLogin>): grpc.ClientUnaryCall;
  DashboardLogin(argument: _flotilla_DashboardLoginRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_DashboardLogin>): grpc.ClientUnaryCall;
  DashboardLogin(argument: _flotilla_DashboardLoginRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_DashboardLogin>): grpc.ClientUnaryCall;
  DashboardLogin(argument: _flotilla_DashboardLoginRequestInput, callback: grpc.requestCallback<_flotilla_DashboardLogin>): grpc.ClientUnaryCall;
  /**
   * A sign-in link for the web dashboard: a short-lived token any manager accepts once
   * exchanged for a session (`cluster dashboard login`).
   */
  dashboardLogin(argument: _flotilla_DashboardLoginRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_DashboardLogin>): grpc.ClientUnaryCall;
  dashboardLogin(argument: _flotilla_DashboardLoginRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_DashboardLogin>): grpc.ClientUnaryCall;
  dashboardLogin(argument: _flotilla_DashboardLoginRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_DashboardLogin>): grpc.ClientUnaryCall;
  dashboardLogin(argument: _flotilla_DashboardLoginRequestInput, callback: grpc.requestCallback<_flotilla_DashboardLogin>): grpc.ClientUnaryCall;
  
  GetConfig(argument: _flotilla_GetConfigRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  GetConfig(argument: _flotilla_GetConfigRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  GetConfig(argument: _flotilla_GetConfigRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  GetConfig(argument: _flotilla_GetConfigRequestInput, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  getConfig(argument: _flotilla_GetConfigRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  getConfig(argument: _flotilla_GetConfigRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  getConfig(argument: _flotilla_GetConfigRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  getConfig(argument: _flotilla_GetConfigRequestInput, callback: grpc.requestCallback<_flotilla_ConfigInfo>): grpc.ClientUnaryCall;
  
  GetJoinTokens(argument: _flotilla_GetJoinTokensRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  GetJoinTokens(argument: _flotilla_GetJoinTokensRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  GetJoinTokens(argument: _flotilla_GetJoinTokensRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  GetJoinTokens(argument: _flotilla_GetJoinTokensRequestInput, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  getJoinTokens(argument: _flotilla_GetJoinTokensRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  getJoinTokens(argument: _flotilla_GetJoinTokensRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  getJoinTokens(argument: _flotilla_GetJoinTokensRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  getJoinTokens(argument: _flotilla_GetJoinTokensRequestInput, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  
  GetNetwork(argument: _flotilla_GetNetworkRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  GetNetwork(argument: _flotilla_GetNetworkRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  GetNetwork(argument: _flotilla_GetNetworkRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  GetNetwork(argument: _flotilla_GetNetworkRequestInput, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  getNetwork(argument: _flotilla_GetNetworkRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  getNetwork(argument: _flotilla_GetNetworkRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  getNetwork(argument: _flotilla_GetNetworkRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  getNetwork(argument: _flotilla_GetNetworkRequestInput, callback: grpc.requestCallback<_flotilla_NetworkInfo>): grpc.ClientUnaryCall;
  
  GetNode(argument: _flotilla_GetNodeRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetNodeResponse>): grpc.ClientUnaryCall;
  GetNode(argument: _flotilla_GetNodeRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_GetNodeResponse>): grpc.ClientUnaryCall;
  GetNode(argument: _flotilla_GetNodeRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetNodeResponse>): grpc.ClientUnaryCall;
  GetNode(argument: _flotilla_GetNodeRequestInput, callback: grpc.requestCallback<_flotilla_GetNodeResponse>): grpc.ClientUnaryCall;
  getNode(argument: _flotilla_GetNodeRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetNodeResponse>): grpc.ClientUnaryCall;
  getNode(argument: _flotilla_GetNodeRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_GetNodeResponse>): grpc.ClientUnaryCall;
  getNode(argument: _flotilla_GetNodeRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetNodeResponse>): grpc.ClientUnaryCall;
  getNode(argument: _flotilla_GetNodeRequestInput, callback: grpc.requestCallback<_flotilla_GetNodeResponse>): grpc.ClientUnaryCall;
  
  GetSecret(argument: _flotilla_GetSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  GetSecret(argument: _flotilla_GetSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  GetSecret(argument: _flotilla_GetSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  GetSecret(argument: _flotilla_GetSecretRequestInput, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  getSecret(argument: _flotilla_GetSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  getSecret(argument: _flotilla_GetSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  getSecret(argument: _flotilla_GetSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  getSecret(argument: _flotilla_GetSecretRequestInput, callback: grpc.requestCallback<_flotilla_SecretInfo>): grpc.ClientUnaryCall;
  
  GetService(argument: _flotilla_GetServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetServiceResponse>): grpc.ClientUnaryCall;
  GetService(argument: _flotilla_GetServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_GetServiceResponse>): grpc.ClientUnaryCall;
  GetService(argument: _flotilla_GetServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetServiceResponse>): grpc.ClientUnaryCall;
  GetService(argument: _flotilla_GetServiceRequestInput, callback: grpc.requestCallback<_flotilla_GetServiceResponse>): grpc.ClientUnaryCall;
  getService(argument: _flotilla_GetServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetServiceResponse>): grpc.ClientUnaryCall;
  getService(argument: _flotilla_GetServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_GetServiceResponse>): grpc.ClientUnaryCall;
  getService(argument: _flotilla_GetServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetServiceResponse>): grpc.ClientUnaryCall;
  getService(argument: _flotilla_GetServiceRequestInput, callback: grpc.requestCallback<_flotilla_GetServiceResponse>): grpc.ClientUnaryCall;
  
  /**
   * The unlock key of an autolocked cluster, or a new one (rotate): the key that opens the
   * managers' keys after a restart (`cluster unlock`).
   */
  GetUnlockKey(argument: _flotilla_GetUnlockKeyRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  GetUnlockKey(argument: _flotilla_GetUnlockKeyRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  GetUnlockKey(argument: _flotilla_GetUnlockKeyRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  GetUnlockKey(argument: _flotilla_GetUnlockKeyRequestInput, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  /**
   * The unlock key of an autolocked cluster, or a new one (rotate): the key that opens the
   * managers' keys after a restart (`cluster unlock`).
   */
  getUnlockKey(argument: _flotilla_GetUnlockKeyRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  getUnlockKey(argument: _flotilla_GetUnlockKeyRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  getUnlockKey(argument: _flotilla_GetUnlockKeyRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  getUnlockKey(argument: _flotilla_GetUnlockKeyRequestInput, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  
  /**
   * An admin client certificate for a key the caller made (a remote CLI's identity).
   */
  IssueClientCertificate(argument: _flotilla_IssueClientCertificateRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  IssueClientCertificate(argument: _flotilla_IssueClientCertificateRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  IssueClientCertificate(argument: _flotilla_IssueClientCertificateRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  IssueClientCertificate(argument: _flotilla_IssueClientCertificateRequestInput, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  /**
   * An admin client certificate for a key the caller made (a remote CLI's identity).
   */
  issueClientCertificate(argument: _flotilla_IssueClientCertificateRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  issueClientCertificate(argument: _flotilla_IssueClientCertificateRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  issueClientCertificate(argument: _flotilla_IssueClientCertificateRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  issueClientCertificate(argument: _flotilla_IssueClientCertificateRequestInput, callback: grpc.requestCallback<_flotilla_IssuedCertificate>): grpc.ClientUnaryCall;
  
  ListConfigs(argument: _flotilla_ListConfigsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListConfigsResponse>): grpc.ClientUnaryCall;
  ListConfigs(argument: _flotilla_ListConfigsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListConfigsResponse>): grpc.ClientUnaryCall;
  ListConfigs(argument: _flotilla_ListConfigsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListConfigsResponse>): grpc.ClientUnaryCall;
  ListConfigs(argument: _flotilla_ListConfigsRequestInput, callback: grpc.requestCallback<_flotilla_ListConfigsResponse>): grpc.ClientUnaryCall;
  listConfigs(argument: _flotilla_ListConfigsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListConfigsResponse>): grpc.ClientUnaryCall;
  listConfigs(argument: _flotilla_ListConfigsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListConfigsResponse>): grpc.ClientUnaryCall;
  listConfigs(argument: _flotilla_ListConfigsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListConfigsResponse>): grpc.ClientUnaryCall;
  listConfigs(argument: _flotilla_ListConfigsRequestInput, callback: grpc.requestCallback<_flotilla_ListConfigsResponse>): grpc.ClientUnaryCall;
  
  ListNetworks(argument: _flotilla_ListNetworksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListNetworksResponse>): grpc.ClientUnaryCall;
  ListNetworks(argument: _flotilla_ListNetworksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListNetworksResponse>): grpc.ClientUnaryCall;
  ListNetworks(argument: _flotilla_ListNetworksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListNetworksResponse>): grpc.ClientUnaryCall;
  ListNetworks(argument: _flotilla_ListNetworksRequestInput, callback: grpc.requestCallback<_flotilla_ListNetworksResponse>): grpc.ClientUnaryCall;
  listNetworks(argument: _flotilla_ListNetworksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListNetworksResponse>): grpc.ClientUnaryCall;
  listNetworks(argument: _flotilla_ListNetworksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListNetworksResponse>): grpc.ClientUnaryCall;
  listNetworks(argument: _flotilla_ListNetworksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListNetworksResponse>): grpc.ClientUnaryCall;
  listNetworks(argument: _flotilla_ListNetworksRequestInput, callback: grpc.requestCallback<_flotilla_ListNetworksResponse>): grpc.ClientUnaryCall;
  
  ListNodes(argument: _flotilla_ListNodesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListNodesResponse>): grpc.ClientUnaryCall;
  ListNodes(argument: _flotilla_ListNodesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListNodesResponse>): grpc.ClientUnaryCall;
  ListNodes(argument: _flotilla_ListNodesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListNodesResponse>): grpc.ClientUnaryCall;
  ListNodes(argument: _flotilla_ListNodesRequestInput, callback: grpc.requestCallback<_flotilla_ListNodesResponse>): grpc.ClientUnaryCall;
  listNodes(argument: _flotilla_ListNodesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListNodesResponse>): grpc.ClientUnaryCall;
  listNodes(argument: _flotilla_ListNodesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListNodesResponse>): grpc.ClientUnaryCall;
  listNodes(argument: _flotilla_ListNodesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListNodesResponse>): grpc.ClientUnaryCall;
  listNodes(argument: _flotilla_ListNodesRequestInput, callback: grpc.requestCallback<_flotilla_ListNodesResponse>): grpc.ClientUnaryCall;
  
  ListSecrets(argument: _flotilla_ListSecretsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListSecretsResponse>): grpc.ClientUnaryCall;
  ListSecrets(argument: _flotilla_ListSecretsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListSecretsResponse>): grpc.ClientUnaryCall;
  ListSecrets(argument: _flotilla_ListSecretsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListSecretsResponse>): grpc.ClientUnaryCall;
  ListSecrets(argument: _flotilla_ListSecretsRequestInput, callback: grpc.requestCallback<_flotilla_ListSecretsResponse>): grpc.ClientUnaryCall;
  listSecrets(argument: _flotilla_ListSecretsRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListSecretsResponse>): grpc.ClientUnaryCall;
  listSecrets(argument: _flotilla_ListSecretsRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListSecretsResponse>): grpc.ClientUnaryCall;
  listSecrets(argument: _flotilla_ListSecretsRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListSecretsResponse>): grpc.ClientUnaryCall;
  listSecrets(argument: _flotilla_ListSecretsRequestInput, callback: grpc.requestCallback<_flotilla_ListSecretsResponse>): grpc.ClientUnaryCall;
  
  ListServices(argument: _flotilla_ListServicesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListServicesResponse>): grpc.ClientUnaryCall;
  ListServices(argument: _flotilla_ListServicesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListServicesResponse>): grpc.ClientUnaryCall;
  ListServices(argument: _flotilla_ListServicesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListServicesResponse>): grpc.ClientUnaryCall;
  ListServices(argument: _flotilla_ListServicesRequestInput, callback: grpc.requestCallback<_flotilla_ListServicesResponse>): grpc.ClientUnaryCall;
  listServices(argument: _flotilla_ListServicesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListServicesResponse>): grpc.ClientUnaryCall;
  listServices(argument: _flotilla_ListServicesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListServicesResponse>): grpc.ClientUnaryCall;
  listServices(argument: _flotilla_ListServicesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListServicesResponse>): grpc.ClientUnaryCall;
  listServices(argument: _flotilla_ListServicesRequestInput, callback: grpc.requestCallback<_flotilla_ListServicesResponse>): grpc.ClientUnaryCall;
  
  ListTasks(argument: _flotilla_ListTasksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListTasksResponse>): grpc.ClientUnaryCall;
  ListTasks(argument: _flotilla_ListTasksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListTasksResponse>): grpc.ClientUnaryCall;
  ListTasks(argument: _flotilla_ListTasksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListTasksResponse>): grpc.ClientUnaryCall;
  ListTasks(argument: _flotilla_ListTasksRequestInput, callback: grpc.requestCallback<_flotilla_ListTasksResponse>): grpc.ClientUnaryCall;
  listTasks(argument: _flotilla_ListTasksRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListTasksResponse>): grpc.ClientUnaryCall;
  listTasks(argument: _flotilla_ListTasksRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListTasksResponse>): grpc.ClientUnaryCall;
  listTasks(argument: _flotilla_ListTasksRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListTasksResponse>): grpc.ClientUnaryCall;
  listTasks(argument: _flotilla_ListTasksRequestInput, callback: grpc.requestCallback<_flotilla_ListTasksResponse>): grpc.ClientUnaryCall;
  
  /**
   * Lets an update that waits on its canaries go on.
   */
  PromoteService(argument: _flotilla_PromoteServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  PromoteService(argument: _flotilla_PromoteServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  PromoteService(argument: _flotilla_PromoteServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  PromoteService(argument: _flotilla_PromoteServiceRequestInput, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  /**
   * Lets an update that waits on its canaries go on.
   */
  promoteService(argument: _flotilla_PromoteServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  promoteService(argument: _flotilla_PromoteServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  promoteService(argument: _flotilla_PromoteServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  promoteService(argument: _flotilla_PromoteServiceRequestInput, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  
  RemoveConfig(argument: _flotilla_RemoveConfigRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveConfigResponse>): grpc.ClientUnaryCall;
  RemoveConfig(argument: _flotilla_RemoveConfigRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveConfigResponse>): grpc.ClientUnaryCall;
  RemoveConfig(argument: _flotilla_RemoveConfigRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveConfigResponse>): grpc.ClientUnaryCall;
  RemoveConfig(argument: _flotilla_RemoveConfigRequestInput, callback: grpc.requestCallback<_flotilla_RemoveConfigResponse>): grpc.ClientUnaryCall;
  removeConfig(argument: _flotilla_RemoveConfigRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveConfigResponse>): grpc.ClientUnaryCall;
  removeConfig(argument: _flotilla_RemoveConfigRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveConfigResponse>): grpc.ClientUnaryCall;
  removeConfig(argument: _flotilla_RemoveConfigRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveConfigResponse>): grpc.ClientUnaryCall;
  removeConfig(argument: _flotilla_RemoveConfigRequestInput, callback: grpc.requestCallback<_flotilla_RemoveConfigResponse>): grpc.ClientUnaryCall;
  
  /**
   * Refused while a service is attached to the network or a task still holds an address on it.
   */
  RemoveNetwork(argument: _flotilla_RemoveNetworkRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveNetworkResponse>): grpc.ClientUnaryCall;
  RemoveNetwork(argument: _flotilla_RemoveNetworkRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveNetworkResponse>): grpc.ClientUnaryCall;
  RemoveNetwork(argument: _flotilla_RemoveNetworkRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveNetworkResponse>): grpc.ClientUnaryCall;
  RemoveNetwork(argument: _flotilla_RemoveNetworkRequestInput, callback: grpc.requestCallback<_flotilla_RemoveNetworkResponse>): grpc.ClientUnaryCall;
  /**
   * Refused while a service is attached to the network or a task still holds an address on it.
   */
  removeNetwork(argument: _flotilla_RemoveNetworkRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveNetworkResponse>): grpc.ClientUnaryCall;
  removeNetwork(argument: _flotilla_RemoveNetworkRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveNetworkResponse>): grpc.ClientUnaryCall;
  removeNetwork(argument: _flotilla_RemoveNetworkRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveNetworkResponse>): grpc.ClientUnaryCall;
  removeNetwork(argument: _flotilla_RemoveNetworkRequestInput, callback: grpc.requestCallback<_flotilla_RemoveNetworkResponse>): grpc.ClientUnaryCall;
  
  /**
   * Takes a node out of the cluster: a down one, or with force any node but a manager.
   */
  RemoveNode(argument: _flotilla_RemoveNodeRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveNodeResponse>): grpc.ClientUnaryCall;
  RemoveNode(argument: _flotilla_RemoveNodeRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveNodeResponse>): grpc.ClientUnaryCall;
  RemoveNode(argument: _flotilla_RemoveNodeRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveNodeResponse>): grpc.ClientUnaryCall;
  RemoveNode(argument: _flotilla_RemoveNodeRequestInput, callback: grpc.requestCallback<_flotilla_RemoveNodeResponse>): grpc.ClientUnaryCall;
  /**
   * Takes a node out of the cluster: a down one, or with force any node but a manager.
   */
  removeNode(argument: _flotilla_RemoveNodeRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveNodeResponse>): grpc.ClientUnaryCall;
  removeNode(argument: _flotilla_RemoveNodeRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveNodeResponse>): grpc.ClientUnaryCall;
  removeNode(argument: _flotilla_RemoveNodeRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveNodeResponse>): grpc.ClientUnaryCall;
  removeNode(argument: _flotilla_RemoveNodeRequestInput, callback: grpc.requestCallback<_flotilla_RemoveNodeResponse>): grpc.ClientUnaryCall;
  
  RemoveSecret(argument: _flotilla_RemoveSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveSecretResponse>): grpc.ClientUnaryCall;
  RemoveSecret(argument: _flotilla_RemoveSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveSecretResponse>): grpc.ClientUnaryCall;
  RemoveSecret(argument: _flotilla_RemoveSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveSecretResponse>): grpc.ClientUnaryCall;
  RemoveSecret(argument: _flotilla_RemoveSecretRequestInput, callback: grpc.requestCallback<_flotilla_RemoveSecretResponse>): grpc.ClientUnaryCall;
  removeSecret(argument: _flotilla_RemoveSecretRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveSecretResponse>): grpc.ClientUnaryCall;
  removeSecret(argument: _flotilla_RemoveSecretRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveSecretResponse>): grpc.ClientUnaryCall;
  removeSecret(argument: _flotilla_RemoveSecretRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveSecretResponse>): grpc.ClientUnaryCall;
  removeSecret(argument: _flotilla_RemoveSecretRequestInput, callback: grpc.requestCallback<_flotilla_RemoveSecretResponse>): grpc.ClientUnaryCall;
  
  RemoveService(argument: _flotilla_RemoveServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveServiceResponse>): grpc.ClientUnaryCall;
  RemoveService(argument: _flotilla_RemoveServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveServiceResponse>): grpc.ClientUnaryCall;
  RemoveService(argument: _flotilla_RemoveServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveServiceResponse>): grpc.ClientUnaryCall;
  RemoveService(argument: _flotilla_RemoveServiceRequestInput, callback: grpc.requestCallback<_flotilla_RemoveServiceResponse>): grpc.ClientUnaryCall;
  removeService(argument: _flotilla_RemoveServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveServiceResponse>): grpc.ClientUnaryCall;
  removeService(argument: _flotilla_RemoveServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveServiceResponse>): grpc.ClientUnaryCall;
  removeService(argument: _flotilla_RemoveServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveServiceResponse>): grpc.ClientUnaryCall;
  removeService(argument: _flotilla_RemoveServiceRequestInput, callback: grpc.requestCallback<_flotilla_RemoveServiceResponse>): grpc.ClientUnaryCall;
  
  /**
   * Returns a service to an earlier spec (the previous one, or a version from its history)
   * with its rollback policy; canaries of an update are discarded.
   */
  RollbackService(argument: _flotilla_RollbackServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  RollbackService(argument: _flotilla_RollbackServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  RollbackService(argument: _flotilla_RollbackServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  RollbackService(argument: _flotilla_RollbackServiceRequestInput, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  /**
   * Returns a service to an earlier spec (the previous one, or a version from its history)
   * with its rollback policy; canaries of an update are discarded.
   */
  rollbackService(argument: _flotilla_RollbackServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  rollbackService(argument: _flotilla_RollbackServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  rollbackService(argument: _flotilla_RollbackServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  rollbackService(argument: _flotilla_RollbackServiceRequestInput, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  
  /**
   * Starts a rotation to a new root CA: every node moves to it as it renews, at once.
   */
  RotateCA(argument: _flotilla_RotateCARequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RotateCAResponse>): grpc.ClientUnaryCall;
  RotateCA(argument: _flotilla_RotateCARequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RotateCAResponse>): grpc.ClientUnaryCall;
  RotateCA(argument: _flotilla_RotateCARequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RotateCAResponse>): grpc.ClientUnaryCall;
  RotateCA(argument: _flotilla_RotateCARequestInput, callback: grpc.requestCallback<_flotilla_RotateCAResponse>): grpc.ClientUnaryCall;
  /**
   * Starts a rotation to a new root CA: every node moves to it as it renews, at once.
   */
  rotateCa(argument: _flotilla_RotateCARequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RotateCAResponse>): grpc.ClientUnaryCall;
  rotateCa(argument: _flotilla_RotateCARequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RotateCAResponse>): grpc.ClientUnaryCall;
  rotateCa(argument: _flotilla_RotateCARequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RotateCAResponse>): grpc.ClientUnaryCall;
  rotateCa(argument: _flotilla_RotateCARequestInput, callback: grpc.requestCallback<_flotilla_RotateCAResponse>): grpc.ClientUnaryCall;
  
  /**
   * A new secret for a role's token: the old token is refused from then on.
   */
  RotateJoinToken(argument: _flotilla_RotateJoinTokenRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  RotateJoinToken(argument: _flotilla_RotateJoinTokenRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  RotateJoinToken(argument: _flotilla_RotateJoinTokenRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  RotateJoinToken(argument: _flotilla_RotateJoinTokenRequestInput, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  /**
   * A new secret for a role's token: the old token is refused from then on.
   */
  rotateJoinToken(argument: _flotilla_RotateJoinTokenRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  rotateJoinToken(argument: _flotilla_RotateJoinTokenRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  rotateJoinToken(argument: _flotilla_RotateJoinTokenRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  rotateJoinToken(argument: _flotilla_RotateJoinTokenRequestInput, callback: grpc.requestCallback<_flotilla_GetJoinTokensResponse>): grpc.ClientUnaryCall;
  
  RotateUnlockKey(argument: _flotilla_RotateUnlockKeyRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  RotateUnlockKey(argument: _flotilla_RotateUnlockKeyRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  RotateUnlockKey(argument: _flotilla_RotateUnlockKeyRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  RotateUnlockKey(argument: _flotilla_RotateUnlockKeyRequestInput, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  rotateUnlockKey(argument: _flotilla_RotateUnlockKeyRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  rotateUnlockKey(argument: _flotilla_RotateUnlockKeyRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  rotateUnlockKey(argument: _flotilla_RotateUnlockKeyRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  rotateUnlockKey(argument: _flotilla_RotateUnlockKeyRequestInput, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  
  /**
   * Given to a locked manager on its local socket: it opens its keys and starts.
   */
  Unlock(argument: _flotilla_UnlockRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockResponse>): grpc.ClientUnaryCall;
  Unlock(argument: _flotilla_UnlockRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UnlockResponse>): grpc.ClientUnaryCall;
  Unlock(argument: _flotilla_UnlockRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockResponse>): grpc.ClientUnaryCall;
  Unlock(argument: _flotilla_UnlockRequestInput, callback: grpc.requestCallback<_flotilla_UnlockResponse>): grpc.ClientUnaryCall;
  /**
   * Given to a locked manager on its local socket: it opens its keys and starts.
   */
  unlock(argument: _flotilla_UnlockRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockResponse>): grpc.ClientUnaryCall;
  unlock(argument: _flotilla_UnlockRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UnlockResponse>): grpc.ClientUnaryCall;
  unlock(argument: _flotilla_UnlockRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockResponse>): grpc.ClientUnaryCall;
  unlock(argument: _flotilla_UnlockRequestInput, callback: grpc.requestCallback<_flotilla_UnlockResponse>): grpc.ClientUnaryCall;
  
  /**
   * Turns autolock on (with a new key, which the answer carries) or off (the managers then
   * keep the key on their disks again; the answer's key is empty).
   */
  UpdateAutolock(argument: _flotilla_UpdateAutolockRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  UpdateAutolock(argument: _flotilla_UpdateAutolockRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  UpdateAutolock(argument: _flotilla_UpdateAutolockRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  UpdateAutolock(argument: _flotilla_UpdateAutolockRequestInput, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  /**
   * Turns autolock on (with a new key, which the answer carries) or off (the managers then
   * keep the key on their disks again; the answer's key is empty).
   */
  updateAutolock(argument: _flotilla_UpdateAutolockRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  updateAutolock(argument: _flotilla_UpdateAutolockRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  updateAutolock(argument: _flotilla_UpdateAutolockRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  updateAutolock(argument: _flotilla_UpdateAutolockRequestInput, callback: grpc.requestCallback<_flotilla_UnlockKey>): grpc.ClientUnaryCall;
  
  /**
   * Changes a node's spec: its role (promote, demote), availability or labels.
   */
  UpdateNode(argument: _flotilla_UpdateNodeRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateNodeResponse>): grpc.ClientUnaryCall;
  UpdateNode(argument: _flotilla_UpdateNodeRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateNodeResponse>): grpc.ClientUnaryCall;
  UpdateNode(argument: _flotilla_UpdateNodeRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateNodeResponse>): grpc.ClientUnaryCall;
  UpdateNode(argument: _flotilla_UpdateNodeRequestInput, callback: grpc.requestCallback<_flotilla_UpdateNodeResponse>): grpc.ClientUnaryCall;
  /**
   * Changes a node's spec: its role (promote, demote), availability or labels.
   */
  updateNode(argument: _flotilla_UpdateNodeRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateNodeResponse>): grpc.ClientUnaryCall;
  updateNode(argument: _flotilla_UpdateNodeRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateNodeResponse>): grpc.ClientUnaryCall;
  updateNode(argument: _flotilla_UpdateNodeRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateNodeResponse>): grpc.ClientUnaryCall;
  updateNode(argument: _flotilla_UpdateNodeRequestInput, callback: grpc.requestCallback<_flotilla_UpdateNodeResponse>): grpc.ClientUnaryCall;
  
  UpdateService(argument: _flotilla_UpdateServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  UpdateService(argument: _flotilla_UpdateServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  UpdateService(argument: _flotilla_UpdateServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  UpdateService(argument: _flotilla_UpdateServiceRequestInput, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  updateService(argument: _flotilla_UpdateServiceRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  updateService(argument: _flotilla_UpdateServiceRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  updateService(argument: _flotilla_UpdateServiceRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  updateService(argument: _flotilla_UpdateServiceRequestInput, callback: grpc.requestCallback<_flotilla_UpdateServiceResponse>): grpc.ClientUnaryCall;
  
  /**
   * The cluster's changes as they happen (`cluster events`): services, tasks, nodes, networks,
   * secrets and configs, from the store's watch of the manager called (after a read barrier),
   * which keeps going from its own copy if its leader or quorum is lost. Each manager keeps
   * its latest events in memory for `since_ms` (lost when it restarts).
   */
  WatchEvents(argument: _flotilla_WatchEventsRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_ClusterEvent>;
  WatchEvents(argument: _flotilla_WatchEventsRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_ClusterEvent>;
  /**
   * The cluster's changes as they happen (`cluster events`): services, tasks, nodes, networks,
   * secrets and configs, from the store's watch of the manager called (after a read barrier),
   * which keeps going from its own copy if its leader or quorum is lost. Each manager keeps
   * its latest events in memory for `since_ms` (lost when it restarts).
   */
  watchEvents(argument: _flotilla_WatchEventsRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_ClusterEvent>;
  watchEvents(argument: _flotilla_WatchEventsRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_ClusterEvent>;
  
  /**
   * A service and its tasks as they are, then again after each change to either (changes
   * close together come as one); ends with NOT_FOUND once the service is removed. Served by
   * the manager called, from its own copy of the store, after a read barrier.
   */
  WatchService(argument: _flotilla_WatchServiceRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_ServiceState>;
  WatchService(argument: _flotilla_WatchServiceRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_ServiceState>;
  /**
   * A service and its tasks as they are, then again after each change to either (changes
   * close together come as one); ends with NOT_FOUND once the service is removed. Served by
   * the manager called, from its own copy of the store, after a read barrier.
   */
  watchService(argument: _flotilla_WatchServiceRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_ServiceState>;
  watchService(argument: _flotilla_WatchServiceRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_ServiceState>;
  
}

export interface ControlHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Configs: as secrets, but GetConfig answers with the value.
   */
  CreateConfig: grpc.handleUnaryCall<_flotilla_CreateConfigRequest, _flotilla_ConfigInfoInput>;
  
  CreateNetwork: grpc.handleUnaryCall<_flotilla_CreateNetworkRequest, _flotilla_NetworkInfoInput>;
  
  /**
   * Secrets: answers never carry the value. Removal is refused while a service uses it.
   */
  CreateSecret: grpc.handleUnaryCall<_flotilla_CreateSecretRequest, _flotilla_SecretInfoInput>;
  
  CreateService: grpc.handleUnaryCall<_flotilla_CreateServiceRequest, _flotilla_CreateServiceResponseInput>;
  
  /**
   * A sign-in link for the web dashboard: a short-lived token any manager accepts once
   * exchanged for a session (`cluster dashboard login`).
   */
  DashboardLogin: grpc.handleUnaryCall<_flotilla_DashboardLoginRequest, _flotilla_DashboardLoginInput>;
  
  GetConfig: grpc.handleUnaryCall<_flotilla_GetConfigRequest, _flotilla_ConfigInfoInput>;
  
  GetJoinTokens: grpc.handleUnaryCall<_flotilla_GetJoinTokensRequest, _flotilla_GetJoinTokensResponseInput>;
  
  GetNetwork: grpc.handleUnaryCall<_flotilla_GetNetworkRequest, _flotilla_NetworkInfoInput>;
  
  GetNode: grpc.handleUnaryCall<_flotilla_GetNodeRequest, _flotilla_GetNodeResponseInput>;
  
  GetSecret: grpc.handleUnaryCall<_flotilla_GetSecretRequest, _flotilla_SecretInfoInput>;
  
  GetService: grpc.handleUnaryCall<_flotilla_GetServiceRequest, _flotilla_GetServiceResponseInput>;
  
  /**
   * The unlock key of an autolocked cluster, or a new one (rotate): the key that opens the
   * managers' keys after a restart (`cluster unlock`).
   */
  GetUnlockKey: grpc.handleUnaryCall<_flotilla_GetUnlockKeyRequest, _flotilla_UnlockKeyInput>;
  
  /**
   * An admin client certificate for a key the caller made (a remote CLI's identity).
   */
  IssueClientCertificate: grpc.handleUnaryCall<_flotilla_IssueClientCertificateRequest, _flotilla_IssuedCertificateInput>;
  
  ListConfigs: grpc.handleUnaryCall<_flotilla_ListConfigsRequest, _flotilla_ListConfigsResponseInput>;
  
  ListNetworks: grpc.handleUnaryCall<_flotilla_ListNetworksRequest, _flotilla_ListNetworksResponseInput>;
  
  ListNodes: grpc.handleUnaryCall<_flotilla_ListNodesRequest, _flotilla_ListNodesResponseInput>;
  
  ListSecrets: grpc.handleUnaryCall<_flotilla_ListSecretsRequest, _flotilla_ListSecretsResponseInput>;
  
  ListServices: grpc.handleUnaryCall<_flotilla_ListServicesRequest, _flotilla_ListServicesResponseInput>;
  
  ListTasks: grpc.handleUnaryCall<_flotilla_ListTasksRequest, _flotilla_ListTasksResponseInput>;
  
  /**
   * Lets an update that waits on its canaries go on.
   */
  PromoteService: grpc.handleUnaryCall<_flotilla_PromoteServiceRequest, _flotilla_UpdateServiceResponseInput>;
  
  RemoveConfig: grpc.handleUnaryCall<_flotilla_RemoveConfigRequest, _flotilla_RemoveConfigResponseInput>;
  
  /**
   * Refused while a service is attached to the network or a task still holds an address on it.
   */
  RemoveNetwork: grpc.handleUnaryCall<_flotilla_RemoveNetworkRequest, _flotilla_RemoveNetworkResponseInput>;
  
  /**
   * Takes a node out of the cluster: a down one, or with force any node but a manager.
   */
  RemoveNode: grpc.handleUnaryCall<_flotilla_RemoveNodeRequest, _flotilla_RemoveNodeResponseInput>;
  
  RemoveSecret: grpc.handleUnaryCall<_flotilla_RemoveSecretRequest, _flotilla_RemoveSecretResponseInput>;
  
  RemoveService: grpc.handleUnaryCall<_flotilla_RemoveServiceRequest, _flotilla_RemoveServiceResponseInput>;
  
  /**
   * Returns a service to an earlier spec (the previous one, or a version from its history)
   * with its rollback policy; canaries of an update are discarded.
   */
  RollbackService: grpc.handleUnaryCall<_flotilla_RollbackServiceRequest, _flotilla_UpdateServiceResponseInput>;
  
  /**
   * Starts a rotation to a new root CA: every node moves to it as it renews, at once.
   */
  RotateCA: grpc.handleUnaryCall<_flotilla_RotateCARequest, _flotilla_RotateCAResponseInput>;
  
  /**
   * A new secret for a role's token: the old token is refused from then on.
   */
  RotateJoinToken: grpc.handleUnaryCall<_flotilla_RotateJoinTokenRequest, _flotilla_GetJoinTokensResponseInput>;
  
  RotateUnlockKey: grpc.handleUnaryCall<_flotilla_RotateUnlockKeyRequest, _flotilla_UnlockKeyInput>;
  
  /**
   * Given to a locked manager on its local socket: it opens its keys and starts.
   */
  Unlock: grpc.handleUnaryCall<_flotilla_UnlockRequest, _flotilla_UnlockResponseInput>;
  
  /**
   * Turns autolock on (with a new key, which the answer carries) or off (the managers then
   * keep the key on their disks again; the answer's key is empty).
   */
  UpdateAutolock: grpc.handleUnaryCall<_flotilla_UpdateAutolockRequest, _flotilla_UnlockKeyInput>;
  
  /**
   * Changes a node's spec: its role (promote, demote), availability or labels.
   */
  UpdateNode: grpc.handleUnaryCall<_flotilla_UpdateNodeRequest, _flotilla_UpdateNodeResponseInput>;
  
  UpdateService: grpc.handleUnaryCall<_flotilla_UpdateServiceRequest, _flotilla_UpdateServiceResponseInput>;
  
  /**
   * The cluster's changes as they happen (`cluster events`): services, tasks, nodes, networks,
   * secrets and configs, from the store's watch of the manager called (after a read barrier),
   * which keeps going from its own copy if its leader or quorum is lost. Each manager keeps
   * its latest events in memory for `since_ms` (lost when it restarts).
   */
  WatchEvents: grpc.handleServerStreamingCall<_flotilla_WatchEventsRequest, _flotilla_ClusterEventInput>;
  
  /**
   * A service and its tasks as they are, then again after each change to either (changes
   * close together come as one); ends with NOT_FOUND once the service is removed. Served by
   * the manager called, from its own copy of the store, after a read barrier.
   */
  WatchService: grpc.handleServerStreamingCall<_flotilla_WatchServiceRequest, _flotilla_ServiceStateInput>;
  
}

export interface ControlDefinition extends grpc.ServiceDefinition {
  CreateConfig: MethodDefinition<_flotilla_CreateConfigRequestInput, _flotilla_ConfigInfoInput, _flotilla_CreateConfigRequest, _flotilla_ConfigInfo>
  CreateNetwork: MethodDefinition<_flotilla_CreateNetworkRequestInput, _flotilla_NetworkInfoInput, _flotilla_CreateNetworkRequest, _flotilla_NetworkInfo>
  CreateSecret: MethodDefinition<_flotilla_CreateSecretRequestInput, _flotilla_SecretInfoInput, _flotilla_CreateSecretRequest, _flotilla_SecretInfo>
  CreateService: MethodDefinition<_flotilla_CreateServiceRequestInput, _flotilla_CreateServiceResponseInput, _flotilla_CreateServiceRequest, _flotilla_CreateServiceResponse>
  DashboardLogin: MethodDefinition<_flotilla_DashboardLoginRequestInput, _flotilla_DashboardLoginInput, _flotilla_DashboardLoginRequest, _flotilla_DashboardLogin>
  GetConfig: MethodDefinition<_flotilla_GetConfigRequestInput, _flotilla_ConfigInfoInput, _flotilla_GetConfigRequest, _flotilla_ConfigInfo>
  GetJoinTokens: MethodDefinition<_flotilla_GetJoinTokensRequestInput, _flotilla_GetJoinTokensResponseInput, _flotilla_GetJoinTokensRequest, _flotilla_GetJoinTokensResponse>
  GetNetwork: MethodDefinition<_flotilla_GetNetworkRequestInput, _flotilla_NetworkInfoInput, _flotilla_GetNetworkRequest, _flotilla_NetworkInfo>
  GetNode: MethodDefinition<_flotilla_GetNodeRequestInput, _flotilla_GetNodeResponseInput, _flotilla_GetNodeRequest, _flotilla_GetNodeResponse>
  GetSecret: MethodDefinition<_flotilla_GetSecretRequestInput, _flotilla_SecretInfoInput, _flotilla_GetSecretRequest, _flotilla_SecretInfo>
  GetService: MethodDefinition<_flotilla_GetServiceRequestInput, _flotilla_GetServiceResponseInput, _flotilla_GetServiceRequest, _flotilla_GetServiceResponse>
  GetUnlockKey: MethodDefinition<_flotilla_GetUnlockKeyRequestInput, _flotilla_UnlockKeyInput, _flotilla_GetUnlockKeyRequest, _flotilla_UnlockKey>
  IssueClientCertificate: MethodDefinition<_flotilla_IssueClientCertificateRequestInput, _flotilla_IssuedCertificateInput, _flotilla_IssueClientCertificateRequest, _flotilla_IssuedCertificate>
  ListConfigs: MethodDefinition<_flotilla_ListConfigsRequestInput, _flotilla_ListConfigsResponseInput, _flotilla_ListConfigsRequest, _flotilla_ListConfigsResponse>
  ListNetworks: MethodDefinition<_flotilla_ListNetworksRequestInput, _flotilla_ListNetworksResponseInput, _flotilla_ListNetworksRequest, _flotilla_ListNetworksResponse>
  ListNodes: MethodDefinition<_flotilla_ListNodesRequestInput, _flotilla_ListNodesResponseInput, _flotilla_ListNodesRequest, _flotilla_ListNodesResponse>
  ListSecrets: MethodDefinition<_flotilla_ListSecretsRequestInput, _flotilla_ListSecretsResponseInput, _flotilla_ListSecretsRequest, _flotilla_ListSecretsResponse>
  ListServices: MethodDefinition<_flotilla_ListServicesRequestInput, _flotilla_ListServicesResponseInput, _flotilla_ListServicesRequest, _flotilla_ListServicesResponse>
  ListTasks: MethodDefinition<_flotilla_ListTasksRequestInput, _flotilla_ListTasksResponseInput, _flotilla_ListTasksRequest, _flotilla_ListTasksResponse>
  PromoteService: MethodDefinition<_flotilla_PromoteServiceRequestInput, _flotilla_UpdateServiceResponseInput, _flotilla_PromoteServiceRequest, _flotilla_UpdateServiceResponse>
  RemoveConfig: MethodDefinition<_flotilla_RemoveConfigRequestInput, _flotilla_RemoveConfigResponseInput, _flotilla_RemoveConfigRequest, _flotilla_RemoveConfigResponse>
  RemoveNetwork: MethodDefinition<_flotilla_RemoveNetworkRequestInput, _flotilla_RemoveNetworkResponseInput, _flotilla_RemoveNetworkRequest, _flotilla_RemoveNetworkResponse>
  RemoveNode: MethodDefinition<_flotilla_RemoveNodeRequestInput, _flotilla_RemoveNodeResponseInput, _flotilla_RemoveNodeRequest, _flotilla_RemoveNodeResponse>
  RemoveSecret: MethodDefinition<_flotilla_RemoveSecretRequestInput, _flotilla_RemoveSecretResponseInput, _flotilla_RemoveSecretRequest, _flotilla_RemoveSecretResponse>
  RemoveService: MethodDefinition<_flotilla_RemoveServiceRequestInput, _flotilla_RemoveServiceResponseInput, _flotilla_RemoveServiceRequest, _flotilla_RemoveServiceResponse>
  RollbackService: MethodDefinition<_flotilla_RollbackServiceRequestInput, _flotilla_UpdateServiceResponseInput, _flotilla_RollbackServiceRequest, _flotilla_UpdateServiceResponse>
  RotateCA: MethodDefinition<_flotilla_RotateCARequestInput, _flotilla_RotateCAResponseInput, _flotilla_RotateCARequest, _flotilla_RotateCAResponse>
  RotateJoinToken: MethodDefinition<_flotilla_RotateJoinTokenRequestInput, _flotilla_GetJoinTokensResponseInput, _flotilla_RotateJoinTokenRequest, _flotilla_GetJoinTokensResponse>
  RotateUnlockKey: MethodDefinition<_flotilla_RotateUnlockKeyRequestInput, _flotilla_UnlockKeyInput, _flotilla_RotateUnlockKeyRequest, _flotilla_UnlockKey>
  Unlock: MethodDefinition<_flotilla_UnlockRequestInput, _flotilla_UnlockResponseInput, _flotilla_UnlockRequest, _flotilla_UnlockResponse>
  UpdateAutolock: MethodDefinition<_flotilla_UpdateAutolockRequestInput, _flotilla_UnlockKeyInput, _flotilla_UpdateAutolockRequest, _flotilla_UnlockKey>
  UpdateNode: MethodDefinition<_flotilla_UpdateNodeRequestInput, _flotilla_UpdateNodeResponseInput, _flotilla_UpdateNodeRequest, _flotilla_UpdateNodeResponse>
  UpdateService: MethodDefinition<_flotilla_UpdateServiceRequestInput, _flotilla_UpdateServiceResponseInput, _flotilla_UpdateServiceRequest, _flotilla_UpdateServiceResponse>
  WatchEvents: MethodDefinition<_flotilla_WatchEventsRequestInput, _flotilla_ClusterEventInput, _flotilla_WatchEventsRequest, _flotilla_ClusterEvent>
  WatchService: MethodDefinition<_flotilla_WatchServiceRequestInput, _flotilla_ServiceStateInput, _flotilla_WatchServiceRequest, _flotilla_ServiceState>
}
