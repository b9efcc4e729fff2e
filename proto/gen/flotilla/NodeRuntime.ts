// Original file: proto/flotilla/node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExecInTaskRequestInput as _flotilla_ExecInTaskRequestInput, ExecInTaskRequest as _flotilla_ExecInTaskRequest } from '../flotilla/ExecInTaskRequest.js';
import type { ExecInTaskResponseInput as _flotilla_ExecInTaskResponseInput, ExecInTaskResponse as _flotilla_ExecInTaskResponse } from '../flotilla/ExecInTaskResponse.js';
import type { ImageArchiveChunkInput as _flotilla_ImageArchiveChunkInput, ImageArchiveChunk as _flotilla_ImageArchiveChunk } from '../flotilla/ImageArchiveChunk.js';
import type { InspectTaskContainerRequestInput as _flotilla_InspectTaskContainerRequestInput, InspectTaskContainerRequest as _flotilla_InspectTaskContainerRequest } from '../flotilla/InspectTaskContainerRequest.js';
import type { ListImagesRequestInput as _flotilla_ListImagesRequestInput, ListImagesRequest as _flotilla_ListImagesRequest } from '../flotilla/ListImagesRequest.js';
import type { ListImagesResponseInput as _flotilla_ListImagesResponseInput, ListImagesResponse as _flotilla_ListImagesResponse } from '../flotilla/ListImagesResponse.js';
import type { ListVolumesRequestInput as _flotilla_ListVolumesRequestInput, ListVolumesRequest as _flotilla_ListVolumesRequest } from '../flotilla/ListVolumesRequest.js';
import type { ListVolumesResponseInput as _flotilla_ListVolumesResponseInput, ListVolumesResponse as _flotilla_ListVolumesResponse } from '../flotilla/ListVolumesResponse.js';
import type { LoadImageResponseInput as _flotilla_LoadImageResponseInput, LoadImageResponse as _flotilla_LoadImageResponse } from '../flotilla/LoadImageResponse.js';
import type { RemoveImageRequestInput as _flotilla_RemoveImageRequestInput, RemoveImageRequest as _flotilla_RemoveImageRequest } from '../flotilla/RemoveImageRequest.js';
import type { RemoveImageResponseInput as _flotilla_RemoveImageResponseInput, RemoveImageResponse as _flotilla_RemoveImageResponse } from '../flotilla/RemoveImageResponse.js';
import type { RemoveVolumeRequestInput as _flotilla_RemoveVolumeRequestInput, RemoveVolumeRequest as _flotilla_RemoveVolumeRequest } from '../flotilla/RemoveVolumeRequest.js';
import type { RemoveVolumeResponseInput as _flotilla_RemoveVolumeResponseInput, RemoveVolumeResponse as _flotilla_RemoveVolumeResponse } from '../flotilla/RemoveVolumeResponse.js';
import type { TaskContainerInput as _flotilla_TaskContainerInput, TaskContainer as _flotilla_TaskContainer } from '../flotilla/TaskContainer.js';
import type { TaskLogLineInput as _flotilla_TaskLogLineInput, TaskLogLine as _flotilla_TaskLogLine } from '../flotilla/TaskLogLine.js';
import type { TaskLogsRequestInput as _flotilla_TaskLogsRequestInput, TaskLogsRequest as _flotilla_TaskLogsRequest } from '../flotilla/TaskLogsRequest.js';

/**
 * Node-local operations, served by every node's daemon at the node's address
 * (Node.status.addr): images in the node's container runtime, and the logs, exec and
 * container state of the tasks on the node. The CLI calls each node directly.
 */
export interface NodeRuntimeClient extends grpc.Client {
  ExecInTask(argument: _flotilla_ExecInTaskRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ExecInTaskResponse>): grpc.ClientUnaryCall;
  ExecInTask(argument: _flotilla_ExecInTaskRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ExecInTaskResponse>): grpc.ClientUnaryCall;
  ExecInTask(argument: _flotilla_ExecInTaskRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ExecInTaskResponse>): grpc.ClientUnaryCall;
  ExecInTask(argument: _flotilla_ExecInTaskRequestInput, callback: grpc.requestCallback<_flotilla_ExecInTaskResponse>): grpc.ClientUnaryCall;
  execInTask(argument: _flotilla_ExecInTaskRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ExecInTaskResponse>): grpc.ClientUnaryCall;
  execInTask(argument: _flotilla_ExecInTaskRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ExecInTaskResponse>): grpc.ClientUnaryCall;
  execInTask(argument: _flotilla_ExecInTaskRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ExecInTaskResponse>): grpc.ClientUnaryCall;
  execInTask(argument: _flotilla_ExecInTaskRequestInput, callback: grpc.requestCallback<_flotilla_ExecInTaskResponse>): grpc.ClientUnaryCall;
  
  InspectTaskContainer(argument: _flotilla_InspectTaskContainerRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_TaskContainer>): grpc.ClientUnaryCall;
  InspectTaskContainer(argument: _flotilla_InspectTaskContainerRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_TaskContainer>): grpc.ClientUnaryCall;
  InspectTaskContainer(argument: _flotilla_InspectTaskContainerRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_TaskContainer>): grpc.ClientUnaryCall;
  InspectTaskContainer(argument: _flotilla_InspectTaskContainerRequestInput, callback: grpc.requestCallback<_flotilla_TaskContainer>): grpc.ClientUnaryCall;
  inspectTaskContainer(argument: _flotilla_InspectTaskContainerRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_TaskContainer>): grpc.ClientUnaryCall;
  inspectTaskContainer(argument: _flotilla_InspectTaskContainerRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_TaskContainer>): grpc.ClientUnaryCall;
  inspectTaskContainer(argument: _flotilla_InspectTaskContainerRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_TaskContainer>): grpc.ClientUnaryCall;
  inspectTaskContainer(argument: _flotilla_InspectTaskContainerRequestInput, callback: grpc.requestCallback<_flotilla_TaskContainer>): grpc.ClientUnaryCall;
  
  ListImages(argument: _flotilla_ListImagesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListImagesResponse>): grpc.ClientUnaryCall;
  ListImages(argument: _flotilla_ListImagesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListImagesResponse>): grpc.ClientUnaryCall;
  ListImages(argument: _flotilla_ListImagesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListImagesResponse>): grpc.ClientUnaryCall;
  ListImages(argument: _flotilla_ListImagesRequestInput, callback: grpc.requestCallback<_flotilla_ListImagesResponse>): grpc.ClientUnaryCall;
  listImages(argument: _flotilla_ListImagesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListImagesResponse>): grpc.ClientUnaryCall;
  listImages(argument: _flotilla_ListImagesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListImagesResponse>): grpc.ClientUnaryCall;
  listImages(argument: _flotilla_ListImagesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListImagesResponse>): grpc.ClientUnaryCall;
  listImages(argument: _flotilla_ListImagesRequestInput, callback: grpc.requestCallback<_flotilla_ListImagesResponse>): grpc.ClientUnaryCall;
  
  /**
   * The node's named volumes, and removing one no container of the node uses.
   */
  ListVolumes(argument: _flotilla_ListVolumesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListVolumesResponse>): grpc.ClientUnaryCall;
  ListVolumes(argument: _flotilla_ListVolumesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListVolumesResponse>): grpc.ClientUnaryCall;
  ListVolumes(argument: _flotilla_ListVolumesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListVolumesResponse>): grpc.ClientUnaryCall;
  ListVolumes(argument: _flotilla_ListVolumesRequestInput, callback: grpc.requestCallback<_flotilla_ListVolumesResponse>): grpc.ClientUnaryCall;
  /**
   * The node's named volumes, and removing one no container of the node uses.
   */
  listVolumes(argument: _flotilla_ListVolumesRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListVolumesResponse>): grpc.ClientUnaryCall;
  listVolumes(argument: _flotilla_ListVolumesRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_ListVolumesResponse>): grpc.ClientUnaryCall;
  listVolumes(argument: _flotilla_ListVolumesRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_ListVolumesResponse>): grpc.ClientUnaryCall;
  listVolumes(argument: _flotilla_ListVolumesRequestInput, callback: grpc.requestCallback<_flotilla_ListVolumesResponse>): grpc.ClientUnaryCall;
  
  /**
   * The archive (OCI layout or `docker save`) in chunks; answers with the images it held.
   */
  LoadImage(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_LoadImageResponse>): grpc.ClientWritableStream<_flotilla_ImageArchiveChunkInput>;
  LoadImage(metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_LoadImageResponse>): grpc.ClientWritableStream<_flotilla_ImageArchiveChunkInput>;
  LoadImage(options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_LoadImageResponse>): grpc.ClientWritableStream<_flotilla_ImageArchiveChunkInput>;
  LoadImage(callback: grpc.requestCallback<_flotilla_LoadImageResponse>): grpc.ClientWritableStream<_flotilla_ImageArchiveChunkInput>;
  /**
   * The archive (OCI layout or `docker save`) in chunks; answers with the images it held.
   */
  loadImage(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_LoadImageResponse>): grpc.ClientWritableStream<_flotilla_ImageArchiveChunkInput>;
  loadImage(metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_LoadImageResponse>): grpc.ClientWritableStream<_flotilla_ImageArchiveChunkInput>;
  loadImage(options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_LoadImageResponse>): grpc.ClientWritableStream<_flotilla_ImageArchiveChunkInput>;
  loadImage(callback: grpc.requestCallback<_flotilla_LoadImageResponse>): grpc.ClientWritableStream<_flotilla_ImageArchiveChunkInput>;
  
  RemoveImage(argument: _flotilla_RemoveImageRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveImageResponse>): grpc.ClientUnaryCall;
  RemoveImage(argument: _flotilla_RemoveImageRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveImageResponse>): grpc.ClientUnaryCall;
  RemoveImage(argument: _flotilla_RemoveImageRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveImageResponse>): grpc.ClientUnaryCall;
  RemoveImage(argument: _flotilla_RemoveImageRequestInput, callback: grpc.requestCallback<_flotilla_RemoveImageResponse>): grpc.ClientUnaryCall;
  removeImage(argument: _flotilla_RemoveImageRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveImageResponse>): grpc.ClientUnaryCall;
  removeImage(argument: _flotilla_RemoveImageRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveImageResponse>): grpc.ClientUnaryCall;
  removeImage(argument: _flotilla_RemoveImageRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveImageResponse>): grpc.ClientUnaryCall;
  removeImage(argument: _flotilla_RemoveImageRequestInput, callback: grpc.requestCallback<_flotilla_RemoveImageResponse>): grpc.ClientUnaryCall;
  
  RemoveVolume(argument: _flotilla_RemoveVolumeRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveVolumeResponse>): grpc.ClientUnaryCall;
  RemoveVolume(argument: _flotilla_RemoveVolumeRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveVolumeResponse>): grpc.ClientUnaryCall;
  RemoveVolume(argument: _flotilla_RemoveVolumeRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveVolumeResponse>): grpc.ClientUnaryCall;
  RemoveVolume(argument: _flotilla_RemoveVolumeRequestInput, callback: grpc.requestCallback<_flotilla_RemoveVolumeResponse>): grpc.ClientUnaryCall;
  removeVolume(argument: _flotilla_RemoveVolumeRequestInput, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveVolumeResponse>): grpc.ClientUnaryCall;
  removeVolume(argument: _flotilla_RemoveVolumeRequestInput, metadata: grpc.Metadata, callback: grpc.requestCallback<_flotilla_RemoveVolumeResponse>): grpc.ClientUnaryCall;
  removeVolume(argument: _flotilla_RemoveVolumeRequestInput, options: grpc.CallOptions, callback: grpc.requestCallback<_flotilla_RemoveVolumeResponse>): grpc.ClientUnaryCall;
  removeVolume(argument: _flotilla_RemoveVolumeRequestInput, callback: grpc.requestCallback<_flotilla_RemoveVolumeResponse>): grpc.ClientUnaryCall;
  
  TaskLogs(argument: _flotilla_TaskLogsRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_TaskLogLine>;
  TaskLogs(argument: _flotilla_TaskLogsRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_TaskLogLine>;
  taskLogs(argument: _flotilla_TaskLogsRequestInput, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_TaskLogLine>;
  taskLogs(argument: _flotilla_TaskLogsRequestInput, options?: grpc.CallOptions): grpc.ClientReadableStream<_flotilla_TaskLogLine>;
  
}

/**
 * Node-local operations, served by every node's daemon at the node's address
 * (Node.status.addr): images in the node's container runtime, and the logs, exec and
 * container state of the tasks on the node. The CLI calls each node directly.
 */
export interface NodeRuntimeHandlers extends grpc.UntypedServiceImplementation {
  ExecInTask: grpc.handleUnaryCall<_flotilla_ExecInTaskRequest, _flotilla_ExecInTaskResponseInput>;
  
  InspectTaskContainer: grpc.handleUnaryCall<_flotilla_InspectTaskContainerRequest, _flotilla_TaskContainerInput>;
  
  ListImages: grpc.handleUnaryCall<_flotilla_ListImagesRequest, _flotilla_ListImagesResponseInput>;
  
  /**
   * The node's named volumes, and removing one no container of the node uses.
   */
  ListVolumes: grpc.handleUnaryCall<_flotilla_ListVolumesRequest, _flotilla_ListVolumesResponseInput>;
  
  /**
   * The archive (OCI layout or `docker save`) in chunks; answers with the images it held.
   */
  LoadImage: grpc.handleClientStreamingCall<_flotilla_ImageArchiveChunk, _flotilla_LoadImageResponseInput>;
  
  RemoveImage: grpc.handleUnaryCall<_flotilla_RemoveImageRequest, _flotilla_RemoveImageResponseInput>;
  
  RemoveVolume: grpc.handleUnaryCall<_flotilla_RemoveVolumeRequest, _flotilla_RemoveVolumeResponseInput>;
  
  TaskLogs: grpc.handleServerStreamingCall<_flotilla_TaskLogsRequest, _flotilla_TaskLogLineInput>;
  
}

export interface NodeRuntimeDefinition extends grpc.ServiceDefinition {
  ExecInTask: MethodDefinition<_flotilla_ExecInTaskRequestInput, _flotilla_ExecInTaskResponseInput, _flotilla_ExecInTaskRequest, _flotilla_ExecInTaskResponse>
  InspectTaskContainer: MethodDefinition<_flotilla_InspectTaskContainerRequestInput, _flotilla_TaskContainerInput, _flotilla_InspectTaskContainerRequest, _flotilla_TaskContainer>
  ListImages: MethodDefinition<_flotilla_ListImagesRequestInput, _flotilla_ListImagesResponseInput, _flotilla_ListImagesRequest, _flotilla_ListImagesResponse>
  ListVolumes: MethodDefinition<_flotilla_ListVolumesRequestInput, _flotilla_ListVolumesResponseInput, _flotilla_ListVolumesRequest, _flotilla_ListVolumesResponse>
  LoadImage: MethodDefinition<_flotilla_ImageArchiveChunkInput, _flotilla_LoadImageResponseInput, _flotilla_ImageArchiveChunk, _flotilla_LoadImageResponse>
  RemoveImage: MethodDefinition<_flotilla_RemoveImageRequestInput, _flotilla_RemoveImageResponseInput, _flotilla_RemoveImageRequest, _flotilla_RemoveImageResponse>
  RemoveVolume: MethodDefinition<_flotilla_RemoveVolumeRequestInput, _flotilla_RemoveVolumeResponseInput, _flotilla_RemoveVolumeRequest, _flotilla_RemoveVolumeResponse>
  TaskLogs: MethodDefinition<_flotilla_TaskLogsRequestInput, _flotilla_TaskLogLineInput, _flotilla_TaskLogsRequest, _flotilla_TaskLogLine>
}
