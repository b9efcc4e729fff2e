// Original file: proto/flotilla/control.proto

import type { Long } from '@grpc/proto-loader';

export interface DashboardLoginInput {
  'token'?: (string);
  'expiresAt'?: (number | string | Long);
  /**
   * The sign-in link at each manager's dashboard address, the token in it.
   */
  'urls'?: (string)[];
}

export interface DashboardLogin {
  'token': (string);
  'expiresAt': (number);
  /**
   * The sign-in link at each manager's dashboard address, the token in it.
   */
  'urls': (string)[];
}
