// Original file: proto/flotilla/node.proto

import type { NodeVolumeInput as _flotilla_NodeVolumeInput, NodeVolume as _flotilla_NodeVolume } from '../flotilla/NodeVolume.js';

export interface ListVolumesResponseInput {
  'volumes'?: (_flotilla_NodeVolumeInput)[];
}

export interface ListVolumesResponse {
  'volumes': (_flotilla_NodeVolume)[];
}
