// Original file: proto/flotilla/ca.proto

import type { NodeDescriptionInput as _flotilla_NodeDescriptionInput, NodeDescription as _flotilla_NodeDescription } from '../flotilla/NodeDescription.js';

export interface JoinRequestInput {
  'token'?: (string);
  /**
   * Address the joining node's daemon listens on.
   */
  'addr'?: (string);
  'description'?: (_flotilla_NodeDescriptionInput | null);
  /**
   * PEM certificate request for a key the node made itself; the managers fill in the subject.
   */
  'csr'?: (string);
  /**
   * Where the node's overlay traffic arrives (`--data-path-addr`); "" for its advertised address.
   */
  'dataPathAddr'?: (string);
}

export interface JoinRequest {
  'token': (string);
  /**
   * Address the joining node's daemon listens on.
   */
  'addr': (string);
  'description': (_flotilla_NodeDescription | null);
  /**
   * PEM certificate request for a key the node made itself; the managers fill in the subject.
   */
  'csr': (string);
  /**
   * Where the node's overlay traffic arrives (`--data-path-addr`); "" for its advertised address.
   */
  'dataPathAddr': (string);
}
