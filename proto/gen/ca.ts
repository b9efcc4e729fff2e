import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ClusterInput as _flotilla_ClusterInput, Cluster as _flotilla_Cluster } from './flotilla/Cluster.js';
import type { ClusterSpecInput as _flotilla_ClusterSpecInput, ClusterSpec as _flotilla_ClusterSpec } from './flotilla/ClusterSpec.js';
import type { ConfigInput as _flotilla_ConfigInput, Config as _flotilla_Config } from './flotilla/Config.js';
import type { ConfigSpecInput as _flotilla_ConfigSpecInput, ConfigSpec as _flotilla_ConfigSpec } from './flotilla/ConfigSpec.js';
import type { ContainerSpecInput as _flotilla_ContainerSpecInput, ContainerSpec as _flotilla_ContainerSpec } from './flotilla/ContainerSpec.js';
import type { ContainerStatusInput as _flotilla_ContainerStatusInput, ContainerStatus as _flotilla_ContainerStatus } from './flotilla/ContainerStatus.js';
import type { DataKeyInput as _flotilla_DataKeyInput, DataKey as _flotilla_DataKey } from './flotilla/DataKey.js';
import type { EndpointInput as _flotilla_EndpointInput, Endpoint as _flotilla_Endpoint } from './flotilla/Endpoint.js';
import type { EndpointChangesInput as _flotilla_EndpointChangesInput, EndpointChanges as _flotilla_EndpointChanges } from './flotilla/EndpointChanges.js';
import type { EndpointSpecInput as _flotilla_EndpointSpecInput, EndpointSpec as _flotilla_EndpointSpec } from './flotilla/EndpointSpec.js';
import type { EndpointTableInput as _flotilla_EndpointTableInput, EndpointTable as _flotilla_EndpointTable } from './flotilla/EndpointTable.js';
import type { EtcdStoreRefInput as _flotilla_EtcdStoreRefInput, EtcdStoreRef as _flotilla_EtcdStoreRef } from './flotilla/EtcdStoreRef.js';
import type { ExternalCAInput as _flotilla_ExternalCAInput, ExternalCA as _flotilla_ExternalCA } from './flotilla/ExternalCA.js';
import type { FileReferenceInput as _flotilla_FileReferenceInput, FileReference as _flotilla_FileReference } from './flotilla/FileReference.js';
import type { GetKeyEncryptionKeyRequestInput as _flotilla_GetKeyEncryptionKeyRequestInput, GetKeyEncryptionKeyRequest as _flotilla_GetKeyEncryptionKeyRequest } from './flotilla/GetKeyEncryptionKeyRequest.js';
import type { GlobalJobInput as _flotilla_GlobalJobInput, GlobalJob as _flotilla_GlobalJob } from './flotilla/GlobalJob.js';
import type { GlobalServiceInput as _flotilla_GlobalServiceInput, GlobalService as _flotilla_GlobalService } from './flotilla/GlobalService.js';
import type { HealthCheckInput as _flotilla_HealthCheckInput, HealthCheck as _flotilla_HealthCheck } from './flotilla/HealthCheck.js';
import type { IssuedCertificateInput as _flotilla_IssuedCertificateInput, IssuedCertificate as _flotilla_IssuedCertificate } from './flotilla/IssuedCertificate.js';
import type { JoinRequestInput as _flotilla_JoinRequestInput, JoinRequest as _flotilla_JoinRequest } from './flotilla/JoinRequest.js';
import type { JoinResponseInput as _flotilla_JoinResponseInput, JoinResponse as _flotilla_JoinResponse } from './flotilla/JoinResponse.js';
import type { JoinTokensInput as _flotilla_JoinTokensInput, JoinTokens as _flotilla_JoinTokens } from './flotilla/JoinTokens.js';
import type { KeyEncryptionKeyInput as _flotilla_KeyEncryptionKeyInput, KeyEncryptionKey as _flotilla_KeyEncryptionKey } from './flotilla/KeyEncryptionKey.js';
import type { ManagerStatusInput as _flotilla_ManagerStatusInput, ManagerStatus as _flotilla_ManagerStatus } from './flotilla/ManagerStatus.js';
import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from './flotilla/Meta.js';
import type { MountInput as _flotilla_MountInput, Mount as _flotilla_Mount } from './flotilla/Mount.js';
import type { NetworkInput as _flotilla_NetworkInput, Network as _flotilla_Network } from './flotilla/Network.js';
import type { NetworkAttachmentInput as _flotilla_NetworkAttachmentInput, NetworkAttachment as _flotilla_NetworkAttachment } from './flotilla/NetworkAttachment.js';
import type { NetworkSpecInput as _flotilla_NetworkSpecInput, NetworkSpec as _flotilla_NetworkSpec } from './flotilla/NetworkSpec.js';
import type { NodeInput as _flotilla_NodeInput, Node as _flotilla_Node } from './flotilla/Node.js';
import type { NodeCAClient as _flotilla_NodeCAClient, NodeCADefinition as _flotilla_NodeCADefinition } from './flotilla/NodeCA.js';
import type { NodeCertificateInput as _flotilla_NodeCertificateInput, NodeCertificate as _flotilla_NodeCertificate } from './flotilla/NodeCertificate.js';
import type { NodeDescriptionInput as _flotilla_NodeDescriptionInput, NodeDescription as _flotilla_NodeDescription } from './flotilla/NodeDescription.js';
import type { NodeSpecInput as _flotilla_NodeSpecInput, NodeSpec as _flotilla_NodeSpec } from './flotilla/NodeSpec.js';
import type { NodeStatusInput as _flotilla_NodeStatusInput, NodeStatus as _flotilla_NodeStatus } from './flotilla/NodeStatus.js';
import type { OverlayPeerInput as _flotilla_OverlayPeerInput, OverlayPeer as _flotilla_OverlayPeer } from './flotilla/OverlayPeer.js';
import type { PlacementInput as _flotilla_PlacementInput, Placement as _flotilla_Placement } from './flotilla/Placement.js';
import type { PlacementPreferenceInput as _flotilla_PlacementPreferenceInput, PlacementPreference as _flotilla_PlacementPreference } from './flotilla/PlacementPreference.js';
import type { PlatformInput as _flotilla_PlatformInput, Platform as _flotilla_Platform } from './flotilla/Platform.js';
import type { PortConfigInput as _flotilla_PortConfigInput, PortConfig as _flotilla_PortConfig } from './flotilla/PortConfig.js';
import type { RaftClient as _flotilla_RaftClient, RaftDefinition as _flotilla_RaftDefinition } from './flotilla/Raft.js';
import type { RaftBatchInput as _flotilla_RaftBatchInput, RaftBatch as _flotilla_RaftBatch } from './flotilla/RaftBatch.js';
import type { RaftConfStateInput as _flotilla_RaftConfStateInput, RaftConfState as _flotilla_RaftConfState } from './flotilla/RaftConfState.js';
import type { RaftEntryInput as _flotilla_RaftEntryInput, RaftEntry as _flotilla_RaftEntry } from './flotilla/RaftEntry.js';
import type { RaftInstallSnapshotResponseInput as _flotilla_RaftInstallSnapshotResponseInput, RaftInstallSnapshotResponse as _flotilla_RaftInstallSnapshotResponse } from './flotilla/RaftInstallSnapshotResponse.js';
import type { RaftMemberInput as _flotilla_RaftMemberInput, RaftMember as _flotilla_RaftMember } from './flotilla/RaftMember.js';
import type { RaftMessageInput as _flotilla_RaftMessageInput, RaftMessage as _flotilla_RaftMessage } from './flotilla/RaftMessage.js';
import type { RaftSendResponseInput as _flotilla_RaftSendResponseInput, RaftSendResponse as _flotilla_RaftSendResponse } from './flotilla/RaftSendResponse.js';
import type { RaftSnapshotInput as _flotilla_RaftSnapshotInput, RaftSnapshot as _flotilla_RaftSnapshot } from './flotilla/RaftSnapshot.js';
import type { RaftSnapshotChunkInput as _flotilla_RaftSnapshotChunkInput, RaftSnapshotChunk as _flotilla_RaftSnapshotChunk } from './flotilla/RaftSnapshotChunk.js';
import type { RaftSnapshotDataInput as _flotilla_RaftSnapshotDataInput, RaftSnapshotData as _flotilla_RaftSnapshotData } from './flotilla/RaftSnapshotData.js';
import type { RaftSnapshotMetadataInput as _flotilla_RaftSnapshotMetadataInput, RaftSnapshotMetadata as _flotilla_RaftSnapshotMetadata } from './flotilla/RaftSnapshotMetadata.js';
import type { RemovedNodeInput as _flotilla_RemovedNodeInput, RemovedNode as _flotilla_RemovedNode } from './flotilla/RemovedNode.js';
import type { RenewCertificateRequestInput as _flotilla_RenewCertificateRequestInput, RenewCertificateRequest as _flotilla_RenewCertificateRequest } from './flotilla/RenewCertificateRequest.js';
import type { ReplicatedJobInput as _flotilla_ReplicatedJobInput, ReplicatedJob as _flotilla_ReplicatedJob } from './flotilla/ReplicatedJob.js';
import type { ReplicatedServiceInput as _flotilla_ReplicatedServiceInput, ReplicatedService as _flotilla_ReplicatedService } from './flotilla/ReplicatedService.js';
import type { ResourceRequirementsInput as _flotilla_ResourceRequirementsInput, ResourceRequirements as _flotilla_ResourceRequirements } from './flotilla/ResourceRequirements.js';
import type { ResourcesInput as _flotilla_ResourcesInput, Resources as _flotilla_Resources } from './flotilla/Resources.js';
import type { RestartPolicyInput as _flotilla_RestartPolicyInput, RestartPolicy as _flotilla_RestartPolicy } from './flotilla/RestartPolicy.js';
import type { RootCAInput as _flotilla_RootCAInput, RootCA as _flotilla_RootCA } from './flotilla/RootCA.js';
import type { SecretInput as _flotilla_SecretInput, Secret as _flotilla_Secret } from './flotilla/Secret.js';
import type { SecretSpecInput as _flotilla_SecretSpecInput, SecretSpec as _flotilla_SecretSpec } from './flotilla/SecretSpec.js';
import type { ServiceInput as _flotilla_ServiceInput, Service as _flotilla_Service } from './flotilla/Service.js';
import type { ServiceEndpointsInput as _flotilla_ServiceEndpointsInput, ServiceEndpoints as _flotilla_ServiceEndpoints } from './flotilla/ServiceEndpoints.js';
import type { ServiceSpecInput as _flotilla_ServiceSpecInput, ServiceSpec as _flotilla_ServiceSpec } from './flotilla/ServiceSpec.js';
import type { SpecVersionInput as _flotilla_SpecVersionInput, SpecVersion as _flotilla_SpecVersion } from './flotilla/SpecVersion.js';
import type { TaskInput as _flotilla_TaskInput, Task as _flotilla_Task } from './flotilla/Task.js';
import type { TaskAddressesInput as _flotilla_TaskAddressesInput, TaskAddresses as _flotilla_TaskAddresses } from './flotilla/TaskAddresses.js';
import type { TaskEndpointInput as _flotilla_TaskEndpointInput, TaskEndpoint as _flotilla_TaskEndpoint } from './flotilla/TaskEndpoint.js';
import type { TaskPortInput as _flotilla_TaskPortInput, TaskPort as _flotilla_TaskPort } from './flotilla/TaskPort.js';
import type { TaskSpecInput as _flotilla_TaskSpecInput, TaskSpec as _flotilla_TaskSpec } from './flotilla/TaskSpec.js';
import type { TaskStatusInput as _flotilla_TaskStatusInput, TaskStatus as _flotilla_TaskStatus } from './flotilla/TaskStatus.js';
import type { UpdateConfigInput as _flotilla_UpdateConfigInput, UpdateConfig as _flotilla_UpdateConfig } from './flotilla/UpdateConfig.js';
import type { UpdateStatusInput as _flotilla_UpdateStatusInput, UpdateStatus as _flotilla_UpdateStatus } from './flotilla/UpdateStatus.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  flotilla: {
    Cluster: MessageTypeDefinition<_flotilla_ClusterInput, _flotilla_Cluster>
    ClusterSpec: MessageTypeDefinition<_flotilla_ClusterSpecInput, _flotilla_ClusterSpec>
    Config: MessageTypeDefinition<_flotilla_ConfigInput, _flotilla_Config>
    ConfigSpec: MessageTypeDefinition<_flotilla_ConfigSpecInput, _flotilla_ConfigSpec>
    ContainerSpec: MessageTypeDefinition<_flotilla_ContainerSpecInput, _flotilla_ContainerSpec>
    ContainerStatus: MessageTypeDefinition<_flotilla_ContainerStatusInput, _flotilla_ContainerStatus>
    DataKey: MessageTypeDefinition<_flotilla_DataKeyInput, _flotilla_DataKey>
    Endpoint: MessageTypeDefinition<_flotilla_EndpointInput, _flotilla_Endpoint>
    EndpointChanges: MessageTypeDefinition<_flotilla_EndpointChangesInput, _flotilla_EndpointChanges>
    EndpointSpec: MessageTypeDefinition<_flotilla_EndpointSpecInput, _flotilla_EndpointSpec>
    EndpointTable: MessageTypeDefinition<_flotilla_EndpointTableInput, _flotilla_EndpointTable>
    EtcdStoreRef: MessageTypeDefinition<_flotilla_EtcdStoreRefInput, _flotilla_EtcdStoreRef>
    ExternalCA: MessageTypeDefinition<_flotilla_ExternalCAInput, _flotilla_ExternalCA>
    FailureAction: EnumTypeDefinition
    FileReference: MessageTypeDefinition<_flotilla_FileReferenceInput, _flotilla_FileReference>
    GetKeyEncryptionKeyRequest: MessageTypeDefinition<_flotilla_GetKeyEncryptionKeyRequestInput, _flotilla_GetKeyEncryptionKeyRequest>
    GlobalJob: MessageTypeDefinition<_flotilla_GlobalJobInput, _flotilla_GlobalJob>
    GlobalService: MessageTypeDefinition<_flotilla_GlobalServiceInput, _flotilla_GlobalService>
    HealthCheck: MessageTypeDefinition<_flotilla_HealthCheckInput, _flotilla_HealthCheck>
    HealthState: EnumTypeDefinition
    IssuedCertificate: MessageTypeDefinition<_flotilla_IssuedCertificateInput, _flotilla_IssuedCertificate>
    JoinRequest: MessageTypeDefinition<_flotilla_JoinRequestInput, _flotilla_JoinRequest>
    JoinResponse: MessageTypeDefinition<_flotilla_JoinResponseInput, _flotilla_JoinResponse>
    JoinTokens: MessageTypeDefinition<_flotilla_JoinTokensInput, _flotilla_JoinTokens>
    KeyEncryptionKey: MessageTypeDefinition<_flotilla_KeyEncryptionKeyInput, _flotilla_KeyEncryptionKey>
    LoadBalancing: EnumTypeDefinition
    ManagerStatus: MessageTypeDefinition<_flotilla_ManagerStatusInput, _flotilla_ManagerStatus>
    MeshMode: EnumTypeDefinition
    Meta: MessageTypeDefinition<_flotilla_MetaInput, _flotilla_Meta>
    Mount: MessageTypeDefinition<_flotilla_MountInput, _flotilla_Mount>
    Network: MessageTypeDefinition<_flotilla_NetworkInput, _flotilla_Network>
    NetworkAttachment: MessageTypeDefinition<_flotilla_NetworkAttachmentInput, _flotilla_NetworkAttachment>
    NetworkSpec: MessageTypeDefinition<_flotilla_NetworkSpecInput, _flotilla_NetworkSpec>
    Node: MessageTypeDefinition<_flotilla_NodeInput, _flotilla_Node>
    NodeAvailability: EnumTypeDefinition
    /**
     * Served to callers without a certificate too (Join), over TLS under the cluster CA.
     */
    NodeCA: SubtypeConstructor<typeof grpc.Client, _flotilla_NodeCAClient> & { service: _flotilla_NodeCADefinition }
    NodeCertificate: MessageTypeDefinition<_flotilla_NodeCertificateInput, _flotilla_NodeCertificate>
    NodeDescription: MessageTypeDefinition<_flotilla_NodeDescriptionInput, _flotilla_NodeDescription>
    NodeRole: EnumTypeDefinition
    NodeSpec: MessageTypeDefinition<_flotilla_NodeSpecInput, _flotilla_NodeSpec>
    NodeState: EnumTypeDefinition
    NodeStatus: MessageTypeDefinition<_flotilla_NodeStatusInput, _flotilla_NodeStatus>
    OverlayPeer: MessageTypeDefinition<_flotilla_OverlayPeerInput, _flotilla_OverlayPeer>
    Placement: MessageTypeDefinition<_flotilla_PlacementInput, _flotilla_Placement>
    PlacementPreference: MessageTypeDefinition<_flotilla_PlacementPreferenceInput, _flotilla_PlacementPreference>
    PlacementStrategy: EnumTypeDefinition
    Platform: MessageTypeDefinition<_flotilla_PlatformInput, _flotilla_Platform>
    PortConfig: MessageTypeDefinition<_flotilla_PortConfigInput, _flotilla_PortConfig>
    PortProtocol: EnumTypeDefinition
    PublishMode: EnumTypeDefinition
    Raft: SubtypeConstructor<typeof grpc.Client, _flotilla_RaftClient> & { service: _flotilla_RaftDefinition }
    RaftBatch: MessageTypeDefinition<_flotilla_RaftBatchInput, _flotilla_RaftBatch>
    RaftConfState: MessageTypeDefinition<_flotilla_RaftConfStateInput, _flotilla_RaftConfState>
    RaftEntry: MessageTypeDefinition<_flotilla_RaftEntryInput, _flotilla_RaftEntry>
    RaftInstallSnapshotResponse: MessageTypeDefinition<_flotilla_RaftInstallSnapshotResponseInput, _flotilla_RaftInstallSnapshotResponse>
    RaftMember: MessageTypeDefinition<_flotilla_RaftMemberInput, _flotilla_RaftMember>
    RaftMessage: MessageTypeDefinition<_flotilla_RaftMessageInput, _flotilla_RaftMessage>
    RaftSendResponse: MessageTypeDefinition<_flotilla_RaftSendResponseInput, _flotilla_RaftSendResponse>
    RaftSnapshot: MessageTypeDefinition<_flotilla_RaftSnapshotInput, _flotilla_RaftSnapshot>
    RaftSnapshotChunk: MessageTypeDefinition<_flotilla_RaftSnapshotChunkInput, _flotilla_RaftSnapshotChunk>
    RaftSnapshotData: MessageTypeDefinition<_flotilla_RaftSnapshotDataInput, _flotilla_RaftSnapshotData>
    RaftSnapshotMetadata: MessageTypeDefinition<_flotilla_RaftSnapshotMetadataInput, _flotilla_RaftSnapshotMetadata>
    RemovedNode: MessageTypeDefinition<_flotilla_RemovedNodeInput, _flotilla_RemovedNode>
    RenewCertificateRequest: MessageTypeDefinition<_flotilla_RenewCertificateRequestInput, _flotilla_RenewCertificateRequest>
    ReplicatedJob: MessageTypeDefinition<_flotilla_ReplicatedJobInput, _flotilla_ReplicatedJob>
    ReplicatedService: MessageTypeDefinition<_flotilla_ReplicatedServiceInput, _flotilla_ReplicatedService>
    ResourceRequirements: MessageTypeDefinition<_flotilla_ResourceRequirementsInput, _flotilla_ResourceRequirements>
    Resources: MessageTypeDefinition<_flotilla_ResourcesInput, _flotilla_Resources>
    RestartCondition: EnumTypeDefinition
    RestartPolicy: MessageTypeDefinition<_flotilla_RestartPolicyInput, _flotilla_RestartPolicy>
    RootCA: MessageTypeDefinition<_flotilla_RootCAInput, _flotilla_RootCA>
    Secret: MessageTypeDefinition<_flotilla_SecretInput, _flotilla_Secret>
    SecretSpec: MessageTypeDefinition<_flotilla_SecretSpecInput, _flotilla_SecretSpec>
    Service: MessageTypeDefinition<_flotilla_ServiceInput, _flotilla_Service>
    ServiceEndpoints: MessageTypeDefinition<_flotilla_ServiceEndpointsInput, _flotilla_ServiceEndpoints>
    ServiceSpec: MessageTypeDefinition<_flotilla_ServiceSpecInput, _flotilla_ServiceSpec>
    SpecVersion: MessageTypeDefinition<_flotilla_SpecVersionInput, _flotilla_SpecVersion>
    Task: MessageTypeDefinition<_flotilla_TaskInput, _flotilla_Task>
    TaskAddresses: MessageTypeDefinition<_flotilla_TaskAddressesInput, _flotilla_TaskAddresses>
    TaskEndpoint: MessageTypeDefinition<_flotilla_TaskEndpointInput, _flotilla_TaskEndpoint>
    TaskPort: MessageTypeDefinition<_flotilla_TaskPortInput, _flotilla_TaskPort>
    TaskSpec: MessageTypeDefinition<_flotilla_TaskSpecInput, _flotilla_TaskSpec>
    TaskState: EnumTypeDefinition
    TaskStatus: MessageTypeDefinition<_flotilla_TaskStatusInput, _flotilla_TaskStatus>
    UpdateConfig: MessageTypeDefinition<_flotilla_UpdateConfigInput, _flotilla_UpdateConfig>
    UpdateOrder: EnumTypeDefinition
    UpdateState: EnumTypeDefinition
    UpdateStatus: MessageTypeDefinition<_flotilla_UpdateStatusInput, _flotilla_UpdateStatus>
  }
}

