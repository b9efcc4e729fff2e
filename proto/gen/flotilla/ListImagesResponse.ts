// Original file: proto/flotilla/node.proto

import type { NodeImageInput as _flotilla_NodeImageInput, NodeImage as _flotilla_NodeImage } from '../flotilla/NodeImage.js';

export interface ListImagesResponseInput {
  'images'?: (_flotilla_NodeImageInput)[];
}

export interface ListImagesResponse {
  'images': (_flotilla_NodeImage)[];
}
