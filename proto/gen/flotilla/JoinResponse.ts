// Original file: proto/flotilla/ca.proto

import type { NodeRoleInput as _flotilla_NodeRoleInput, NodeRole as _flotilla_NodeRole } from '../flotilla/NodeRole.js';
import type { RaftMemberInput as _flotilla_RaftMemberInput, RaftMember as _flotilla_RaftMember } from '../flotilla/RaftMember.js';
import type { EtcdStoreRefInput as _flotilla_EtcdStoreRefInput, EtcdStoreRef as _flotilla_EtcdStoreRef } from '../flotilla/EtcdStoreRef.js';
import type { IssuedCertificateInput as _flotilla_IssuedCertificateInput, IssuedCertificate as _flotilla_IssuedCertificate } from '../flotilla/IssuedCertificate.js';
import type { Long } from '@grpc/proto-loader';

export interface JoinResponseInput {
  'nodeId'?: (string);
  'role'?: (_flotilla_NodeRoleInput);
  'clusterId'?: (string);
  /**
   * Addresses of the managers, for the node's session with the dispatcher.
   */
  'managers'?: (string)[];
  /**
   * For a manager: its id in the Raft group, which has just added it as a learner, and
   * where the group's members are.
   */
  'raftId'?: (number | string | Long);
  'raftMembers'?: (_flotilla_RaftMemberInput)[];
  /**
   * For a manager of a cluster that keeps its state in etcd: where.
   */
  'etcd'?: (_flotilla_EtcdStoreRefInput | null);
  'certificate'?: (_flotilla_IssuedCertificateInput | null);
  /**
   * The node's slice of the container address pool.
   */
  'containerSubnet'?: (string);
}

export interface JoinResponse {
  'nodeId': (string);
  'role': (_flotilla_NodeRole);
  'clusterId': (string);
  /**
   * Addresses of the managers, for the node's session with the dispatcher.
   */
  'managers': (string)[];
  /**
   * For a manager: its id in the Raft group, which has just added it as a learner, and
   * where the group's members are.
   */
  'raftId': (number);
  'raftMembers': (_flotilla_RaftMember)[];
  /**
   * For a manager of a cluster that keeps its state in etcd: where.
   */
  'etcd': (_flotilla_EtcdStoreRef | null);
  'certificate': (_flotilla_IssuedCertificate | null);
  /**
   * The node's slice of the container address pool.
   */
  'containerSubnet': (string);
}
