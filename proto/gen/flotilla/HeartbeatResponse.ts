// Original file: proto/flotilla/dispatcher.proto

import type { NodeRoleInput as _flotilla_NodeRoleInput, NodeRole as _flotilla_NodeRole } from '../flotilla/NodeRole.js';
import type { RaftMemberInput as _flotilla_RaftMemberInput, RaftMember as _flotilla_RaftMember } from '../flotilla/RaftMember.js';
import type { OverlayPeerInput as _flotilla_OverlayPeerInput, OverlayPeer as _flotilla_OverlayPeer } from '../flotilla/OverlayPeer.js';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResponseInput {
  'periodMs'?: (number | string | Long);
  /**
   * The role the node is to have. When it differs from the node's own, the node restarts
   * in that role: a promoted node as a manager that joins the Raft group below.
   */
  'role'?: (_flotilla_NodeRoleInput);
  'raftId'?: (number | string | Long);
  'raftMembers'?: (_flotilla_RaftMemberInput)[];
  /**
   * The digest of the roots nodes are to trust: a node whose own differ renews its certificate.
   */
  'trustDigest'?: (string);
  /**
   * Every node's container subnet and address, for the overlay's routes: sent only when the
   * digest the node holds is not overlay_digest (empty then means the node's set is current).
   * The whole set, or with overlay_changes_only the peers added or changed since the set the
   * node holds.
   */
  'overlayPeers'?: (_flotilla_OverlayPeerInput)[];
  /**
   * The digest of the whole set of overlay peers as the managers have it now (proto/overlay-set.ts).
   */
  'overlayDigest'?: (string);
  /**
   * Set when overlay_peers and overlay_removed are the changes to the set of the digest the node
   * sent (a set the managers handed out recently), not the whole set.
   */
  'overlayChangesOnly'?: (boolean);
  /**
   * With overlay_changes_only: the nodes whose peers left the set.
   */
  'overlayRemoved'?: (string)[];
}

export interface HeartbeatResponse {
  'periodMs': (number);
  /**
   * The role the node is to have. When it differs from the node's own, the node restarts
   * in that role: a promoted node as a manager that joins the Raft group below.
   */
  'role': (_flotilla_NodeRole);
  'raftId': (number);
  'raftMembers': (_flotilla_RaftMember)[];
  /**
   * The digest of the roots nodes are to trust: a node whose own differ renews its certificate.
   */
  'trustDigest': (string);
  /**
   * Every node's container subnet and address, for the overlay's routes: sent only when the
   * digest the node holds is not overlay_digest (empty then means the node's set is current).
   * The whole set, or with overlay_changes_only the peers added or changed since the set the
   * node holds.
   */
  'overlayPeers': (_flotilla_OverlayPeer)[];
  /**
   * The digest of the whole set of overlay peers as the managers have it now (proto/overlay-set.ts).
   */
  'overlayDigest': (string);
  /**
   * Set when overlay_peers and overlay_removed are the changes to the set of the digest the node
   * sent (a set the managers handed out recently), not the whole set.
   */
  'overlayChangesOnly': (boolean);
  /**
   * With overlay_changes_only: the nodes whose peers left the set.
   */
  'overlayRemoved': (string)[];
}
