// Original file: proto/flotilla/types.proto

import type { PortProtocolInput as _flotilla_PortProtocolInput, PortProtocol as _flotilla_PortProtocol } from '../flotilla/PortProtocol.js';

export interface TaskPortInput {
  'targetPort'?: (number);
  'protocol'?: (_flotilla_PortProtocolInput);
  /**
   * host:port where the task answers for the target port.
   */
  'addr'?: (string);
}

export interface TaskPort {
  'targetPort': (number);
  'protocol': (_flotilla_PortProtocol);
  /**
   * host:port where the task answers for the target port.
   */
  'addr': (string);
}
