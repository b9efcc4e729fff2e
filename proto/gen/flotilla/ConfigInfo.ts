// Original file: proto/flotilla/control.proto

import type { ConfigInput as _flotilla_ConfigInput, Config as _flotilla_Config } from '../flotilla/Config.js';

export interface ConfigInfoInput {
  'config'?: (_flotilla_ConfigInput | null);
  'services'?: (string)[];
}

export interface ConfigInfo {
  'config': (_flotilla_Config | null);
  'services': (string)[];
}
