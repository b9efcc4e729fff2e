// Original file: proto/flotilla/control.proto

import type { ServiceSummaryInput as _flotilla_ServiceSummaryInput, ServiceSummary as _flotilla_ServiceSummary } from '../flotilla/ServiceSummary.js';

export interface ListServicesResponseInput {
  'services'?: (_flotilla_ServiceSummaryInput)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListServicesResponse {
  'services': (_flotilla_ServiceSummary)[];
  /**
   * Empty on the last page.
   */
  'nextPageToken': (string);
}
