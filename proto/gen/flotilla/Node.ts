// Original file: proto/flotilla/types.proto

import type { MetaInput as _flotilla_MetaInput, Meta as _flotilla_Meta } from '../flotilla/Meta.js';
import type { NodeSpecInput as _flotilla_NodeSpecInput, NodeSpec as _flotilla_NodeSpec } from '../flotilla/NodeSpec.js';
import type { NodeDescriptionInput as _flotilla_NodeDescriptionInput, NodeDescription as _flotilla_NodeDescription } from '../flotilla/NodeDescription.js';
import type { NodeStatusInput as _flotilla_NodeStatusInput, NodeStatus as _flotilla_NodeStatus } from '../flotilla/NodeStatus.js';
import type { NodeRoleInput as _flotilla_NodeRoleInput, NodeRole as _flotilla_NodeRole } from '../flotilla/NodeRole.js';
import type { ManagerStatusInput as _flotilla_ManagerStatusInput, ManagerStatus as _flotilla_ManagerStatus } from '../flotilla/ManagerStatus.js';
import type { NodeCertificateInput as _flotilla_NodeCertificateInput, NodeCertificate as _flotilla_NodeCertificate } from '../flotilla/NodeCertificate.js';

export interface NodeInput {
  'id'?: (string);
  'meta'?: (_flotilla_MetaInput | null);
  'spec'?: (_flotilla_NodeSpecInput | null);
  'description'?: (_flotilla_NodeDescriptionInput | null);
  'status'?: (_flotilla_NodeStatusInput | null);
  'role'?: (_flotilla_NodeRoleInput);
  /**
   * Set on managers only.
   */
  'managerStatus'?: (_flotilla_ManagerStatusInput | null);
  /**
   * The certificate the managers last issued to the node.
   */
  'certificate'?: (_flotilla_NodeCertificateInput | null);
  /**
   * The node's slice of the cluster's container address pool: its containers' subnet, routed
   * to from every other node over the overlay ("" for nodes made before it).
   */
  'containerSubnet'?: (string);
  /**
   * The IP where its overlay traffic arrives (`--data-path-addr`); "": its advertised address's.
   */
  'dataPathAddr'?: (string);
}

export interface Node {
  'id': (string);
  'meta': (_flotilla_Meta | null);
  'spec': (_flotilla_NodeSpec | null);
  'description': (_flotilla_NodeDescription | null);
  'status': (_flotilla_NodeStatus | null);
  'role': (_flotilla_NodeRole);
  /**
   * Set on managers only.
   */
  'managerStatus': (_flotilla_ManagerStatus | null);
  /**
   * The certificate the managers last issued to the node.
   */
  'certificate': (_flotilla_NodeCertificate | null);
  /**
   * The node's slice of the cluster's container address pool: its containers' subnet, routed
   * to from every other node over the overlay ("" for nodes made before it).
   */
  'containerSubnet': (string);
  /**
   * The IP where its overlay traffic arrives (`--data-path-addr`); "": its advertised address's.
   */
  'dataPathAddr': (string);
}
