// Original file: proto/flotilla/control.proto

import type { NetworkInfoInput as _flotilla_NetworkInfoInput, NetworkInfo as _flotilla_NetworkInfo } from '../flotilla/NetworkInfo.js';

export interface ListNetworksResponseInput {
  'networks'?: (_flotilla_NetworkInfoInput)[];
}

export interface ListNetworksResponse {
  'networks': (_flotilla_NetworkInfo)[];
}
