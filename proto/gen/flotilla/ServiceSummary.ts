// Original file: proto/flotilla/control.proto

import type { ServiceInput as _flotilla_ServiceInput, Service as _flotilla_Service } from '../flotilla/Service.js';
import type { Long } from '@grpc/proto-loader';

export interface ServiceSummaryInput {
  'service'?: (_flotilla_ServiceInput | null);
  'runningTasks'?: (number | string | Long);
  'desiredTasks'?: (number | string | Long);
}

export interface ServiceSummary {
  'service': (_flotilla_Service | null);
  'runningTasks': (number);
  'desiredTasks': (number);
}
