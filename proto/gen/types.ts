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
import type { ExternalCAInput as _flotilla_ExternalCAInput, ExternalCA as _flotilla_ExternalCA } from './flotilla/ExternalCA.js';
import type { FileReferenceInput as _flotilla_FileReferenceInput, FileReference as _flotilla_FileReference } from './flotilla/FileReference.js';
import type { GlobalJobInput as _flotilla_GlobalJobInput, GlobalJob as _flotilla_GlobalJob } from './flotilla/GlobalJob.js';
import type { GlobalServiceInput as _flotilla_GlobalServiceInput, GlobalService as _flotilla_GlobalService } from './flotilla/GlobalService.js';
import type { HealthCheckInput as _flotilla_HealthCheckInput, HealthCheck as _flotilla_HealthCheck } from './flotilla/HealthCheck.js';
import type { JoinTokensInput as _flotilla_JoinTokensInput, JoinTokens as _flotilla_JoinTokens } from './flotilla/JoinTokens.js';
import type { ManagerStatusInput as _flotilla_ManagerStatusInput, ManagerStatus as _flotilla_ManagerStatus } from './flotilla/ManagerStatus.js';
import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from './flotilla/Meta.js';
import type { MountInput as _flotilla_MountInput, Mount as _flotilla_Mount } from './flotilla/Mount.js';
import type { NetworkInput as _flotilla_NetworkInput, Network as _flotilla_Network } from './flotilla/Network.js';
import type { NetworkAttachmentInput as _flotilla_NetworkAttachmentInput, NetworkAttachment as _flotilla_NetworkAttachment } from './flotilla/NetworkAttachment.js';
import type { NetworkSpecInput as _flotilla_NetworkSpecInput, NetworkSpec as _flotilla_NetworkSpec } from './flotilla/NetworkSpec.js';
import type { NodeInput as _flotilla_NodeInput, Node as _flotilla_Node } from './flotilla/Node.js';
import type { NodeCertificateInput as _flotilla_NodeCertificateInput, NodeCertificate as _flotilla_NodeCertificate } from './flotilla/NodeCertificate.js';
import type { NodeDescriptionInput as _flotilla_NodeDescriptionInput, NodeDescription as _flotilla_NodeDescription } from './flotilla/NodeDescription.js';
import type { NodeSpecInput as _flotilla_NodeSpecInput, NodeSpec as _flotilla_NodeSpec } from './flotilla/NodeSpec.js';
import type { NodeStatusInput as _flotilla_NodeStatusInput, NodeStatus as _flotilla_NodeStatus } from './flotilla/NodeStatus.js';
import type { OverlayPeerInput as _flotilla_OverlayPeerInput, OverlayPeer as _flotilla_OverlayPeer } from './flotilla/OverlayPeer.js';
import type { PlacementInput as _flotilla_PlacementInput, Placement as _flotilla_Placement } from './flotilla/Placement.js';
import type { PlacementPreferenceInput as _flotilla_PlacementPreferenceInput, PlacementPreference as _flotilla_PlacementPreference } from './flotilla/PlacementPreference.js';
import type { PlatformInput as _flotilla_PlatformInput, Platform as _flotilla_Platform } from './flotilla/Platform.js';
import type { PortConfigInput as _flotilla_PortConfigInput, PortConfig as _flotilla_PortConfig } from './flotilla/PortConfig.js';
import type { RemovedNodeInput as _flotilla_RemovedNodeInput, RemovedNode as _flotilla_RemovedNode } from './flotilla/RemovedNode.js';
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
    ExternalCA: MessageTypeDefinition<_flotilla_ExternalCAInput, _flotilla_ExternalCA>
    FailureAction: EnumTypeDefinition
    FileReference: MessageTypeDefinition<_flotilla_FileReferenceInput, _flotilla_FileReference>
    GlobalJob: MessageTypeDefinition<_flotilla_GlobalJobInput, _flotilla_GlobalJob>
    GlobalService: MessageTypeDefinition<_flotilla_GlobalServiceInput, _flotilla_GlobalService>
    HealthCheck: MessageTypeDefinition<_flotilla_HealthCheckInput, _flotilla_HealthCheck>
    HealthState: EnumTypeDefinition
    JoinTokens: MessageTypeDefinition<_flotilla_JoinTokensInput, _flotilla_JoinTokens>
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
    RemovedNode: MessageTypeDefinition<_flotilla_RemovedNodeInput, _flotilla_RemovedNode>
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

