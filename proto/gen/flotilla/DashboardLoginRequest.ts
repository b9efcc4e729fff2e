// Original file: proto/flotilla/control.proto


export interface DashboardLoginRequestInput {
  /**
   * How long the link stays valid; 0 for the default (5 minutes).
   */
  'ttlSeconds'?: (number);
}

export interface DashboardLoginRequest {
  /**
   * How long the link stays valid; 0 for the default (5 minutes).
   */
  'ttlSeconds': (number);
}
