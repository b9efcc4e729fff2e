// Original file: proto/flotilla/types.proto

import type { PortProtocolInput as _flotilla_PortProtocolInput, PortProtocol as _flotilla_PortProtocol } from '../flotilla/PortProtocol.js';
import type { PublishModeInput as _flotilla_PublishModeInput, PublishMode as _flotilla_PublishMode } from '../flotilla/PublishMode.js';

export interface PortConfigInput {
  /**
   * The port the task serves on (its name for it; a process task is told the real one in PORT).
   */
  'targetPort'?: (number);
  /**
   * 0 in a spec: the allocator picks one from 30000-32767.
   */
  'publishedPort'?: (number);
  'protocol'?: (_flotilla_PortProtocolInput);
  'mode'?: (_flotilla_PublishModeInput);
}

export interface PortConfig {
  /**
   * The port the task serves on (its name for it; a process task is told the real one in PORT).
   */
  'targetPort': (number);
  /**
   * 0 in a spec: the allocator picks one from 30000-32767.
   */
  'publishedPort': (number);
  'protocol': (_flotilla_PortProtocol);
  'mode': (_flotilla_PublishMode);
}
