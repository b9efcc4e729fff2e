// Original file: proto/flotilla/control.proto

import type { ConfigInfoInput as _flotilla_ConfigInfoInput, ConfigInfo as _flotilla_ConfigInfo } from '../flotilla/ConfigInfo.js';

export interface ListConfigsResponseInput {
  'configs'?: (_flotilla_ConfigInfoInput)[];
}

export interface ListConfigsResponse {
  'configs': (_flotilla_ConfigInfo)[];
}
