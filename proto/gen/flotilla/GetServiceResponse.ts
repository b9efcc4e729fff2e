// Original file: proto/flotilla/control.proto

import type { ServiceInput as _flotilla_ServiceInput, Service as _flotilla_Service } from '../flotilla/Service.js';
import type { UnplacedTaskInput as _flotilla_UnplacedTaskInput, UnplacedTask as _flotilla_UnplacedTask } from '../flotilla/UnplacedTask.js';

export interface GetServiceResponseInput {
  'service'?: (_flotilla_ServiceInput | null);
  /**
   * The service's tasks that no node can take now, and why.
   */
  'unplaced'?: (_flotilla_UnplacedTaskInput)[];
}

export interface GetServiceResponse {
  'service': (_flotilla_Service | null);
  /**
   * The service's tasks that no node can take now, and why.
   */
  'unplaced': (_flotilla_UnplacedTask)[];
}
