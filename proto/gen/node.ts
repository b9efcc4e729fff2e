import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ExecInTaskRequestInput as _flotilla_ExecInTaskRequestInput, ExecInTaskRequest as _flotilla_ExecInTaskRequest } from './flotilla/ExecInTaskRequest.js';
import type { ExecInTaskResponseInput as _flotilla_ExecInTaskResponseInput, ExecInTaskResponse as _flotilla_ExecInTaskResponse } from './flotilla/ExecInTaskResponse.js';
import type { ImageArchiveChunkInput as _flotilla_ImageArchiveChunkInput, ImageArchiveChunk as _flotilla_ImageArchiveChunk } from './flotilla/ImageArchiveChunk.js';
import type { InspectTaskContainerRequestInput as _flotilla_InspectTaskContainerRequestInput, InspectTaskContainerRequest as _flotilla_InspectTaskContainerRequest } from './flotilla/InspectTaskContainerRequest.js';
import type { LeaveRequestInput as _flotilla_LeaveRequestInput, LeaveRequest as _flotilla_LeaveRequest } from './flotilla/LeaveRequest.js';
import type { LeaveResponseInput as _flotilla_LeaveResponseInput, LeaveResponse as _flotilla_LeaveResponse } from './flotilla/LeaveResponse.js';
import type { ListImagesRequestInput as _flotilla_ListImagesRequestInput, ListImagesRequest as _flotilla_ListImagesRequest } from './flotilla/ListImagesRequest.js';
import type { ListImagesResponseInput as _flotilla_ListImagesResponseInput, ListImagesResponse as _flotilla_ListImagesResponse } from './flotilla/ListImagesResponse.js';
import type { ListVolumesRequestInput as _flotilla_ListVolumesRequestInput, ListVolumesRequest as _flotilla_ListVolumesRequest } from './flotilla/ListVolumesRequest.js';
import type { ListVolumesResponseInput as _flotilla_ListVolumesResponseInput, ListVolumesResponse as _flotilla_ListVolumesResponse } from './flotilla/ListVolumesResponse.js';
import type { LoadImageResponseInput as _flotilla_LoadImageResponseInput, LoadImageResponse as _flotilla_LoadImageResponse } from './flotilla/LoadImageResponse.js';
import type { NodeImageInput as _flotilla_NodeImageInput, NodeImage as _flotilla_NodeImage } from './flotilla/NodeImage.js';
import type { NodeLocalClient as _flotilla_NodeLocalClient, NodeLocalDefinition as _flotilla_NodeLocalDefinition } from './flotilla/NodeLocal.js';
import type { NodeRuntimeClient as _flotilla_NodeRuntimeClient, NodeRuntimeDefinition as _flotilla_NodeRuntimeDefinition } from './flotilla/NodeRuntime.js';
import type { NodeVolumeInput as _flotilla_NodeVolumeInput, NodeVolume as _flotilla_NodeVolume } from './flotilla/NodeVolume.js';
import type { RemoveImageRequestInput as _flotilla_RemoveImageRequestInput, RemoveImageRequest as _flotilla_RemoveImageRequest } from './flotilla/RemoveImageRequest.js';
import type { RemoveImageResponseInput as _flotilla_RemoveImageResponseInput, RemoveImageResponse as _flotilla_RemoveImageResponse } from './flotilla/RemoveImageResponse.js';
import type { RemoveVolumeRequestInput as _flotilla_RemoveVolumeRequestInput, RemoveVolumeRequest as _flotilla_RemoveVolumeRequest } from './flotilla/RemoveVolumeRequest.js';
import type { RemoveVolumeResponseInput as _flotilla_RemoveVolumeResponseInput, RemoveVolumeResponse as _flotilla_RemoveVolumeResponse } from './flotilla/RemoveVolumeResponse.js';
import type { TaskContainerInput as _flotilla_TaskContainerInput, TaskContainer as _flotilla_TaskContainer } from './flotilla/TaskContainer.js';
import type { TaskLogLineInput as _flotilla_TaskLogLineInput, TaskLogLine as _flotilla_TaskLogLine } from './flotilla/TaskLogLine.js';
import type { TaskLogsRequestInput as _flotilla_TaskLogsRequestInput, TaskLogsRequest as _flotilla_TaskLogsRequest } from './flotilla/TaskLogsRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  flotilla: {
    ExecInTaskRequest: MessageTypeDefinition<_flotilla_ExecInTaskRequestInput, _flotilla_ExecInTaskRequest>
    ExecInTaskResponse: MessageTypeDefinition<_flotilla_ExecInTaskResponseInput, _flotilla_ExecInTaskResponse>
    ImageArchiveChunk: MessageTypeDefinition<_flotilla_ImageArchiveChunkInput, _flotilla_ImageArchiveChunk>
    InspectTaskContainerRequest: MessageTypeDefinition<_flotilla_InspectTaskContainerRequestInput, _flotilla_InspectTaskContainerRequest>
    LeaveRequest: MessageTypeDefinition<_flotilla_LeaveRequestInput, _flotilla_LeaveRequest>
    LeaveResponse: MessageTypeDefinition<_flotilla_LeaveResponseInput, _flotilla_LeaveResponse>
    ListImagesRequest: MessageTypeDefinition<_flotilla_ListImagesRequestInput, _flotilla_ListImagesRequest>
    ListImagesResponse: MessageTypeDefinition<_flotilla_ListImagesResponseInput, _flotilla_ListImagesResponse>
    ListVolumesRequest: MessageTypeDefinition<_flotilla_ListVolumesRequestInput, _flotilla_ListVolumesRequest>
    ListVolumesResponse: MessageTypeDefinition<_flotilla_ListVolumesResponseInput, _flotilla_ListVolumesResponse>
    LoadImageResponse: MessageTypeDefinition<_flotilla_LoadImageResponseInput, _flotilla_LoadImageResponse>
    NodeImage: MessageTypeDefinition<_flotilla_NodeImageInput, _flotilla_NodeImage>
    /**
     * What only the node's own user may ask, on its local socket.
     */
    NodeLocal: SubtypeConstructor<typeof grpc.Client, _flotilla_NodeLocalClient> & { service: _flotilla_NodeLocalDefinition }
    /**
     * Node-local operations, served by every node's daemon at the node's address
     * (Node.status.addr): images in the node's container runtime, and the logs, exec and
     * container state of the tasks on the node. The CLI calls each node directly.
     */
    NodeRuntime: SubtypeConstructor<typeof grpc.Client, _flotilla_NodeRuntimeClient> & { service: _flotilla_NodeRuntimeDefinition }
    NodeVolume: MessageTypeDefinition<_flotilla_NodeVolumeInput, _flotilla_NodeVolume>
    RemoveImageRequest: MessageTypeDefinition<_flotilla_RemoveImageRequestInput, _flotilla_RemoveImageRequest>
    RemoveImageResponse: MessageTypeDefinition<_flotilla_RemoveImageResponseInput, _flotilla_RemoveImageResponse>
    RemoveVolumeRequest: MessageTypeDefinition<_flotilla_RemoveVolumeRequestInput, _flotilla_RemoveVolumeRequest>
    RemoveVolumeResponse: MessageTypeDefinition<_flotilla_RemoveVolumeResponseInput, _flotilla_RemoveVolumeResponse>
    TaskContainer: MessageTypeDefinition<_flotilla_TaskContainerInput, _flotilla_TaskContainer>
    TaskLogLine: MessageTypeDefinition<_flotilla_TaskLogLineInput, _flotilla_TaskLogLine>
    TaskLogsRequest: MessageTypeDefinition<_flotilla_TaskLogsRequestInput, _flotilla_TaskLogsRequest>
  }
}

