// Original file: proto/flotilla/store.proto

import type { ClusterInput as _flotilla_ClusterInput, Cluster as _flotilla_Cluster } from '../flotilla/Cluster.js';
import type { NodeInput as _flotilla_NodeInput, Node as _flotilla_Node } from '../flotilla/Node.js';
import type { ServiceInput as _flotilla_ServiceInput, Service as _flotilla_Service } from '../flotilla/Service.js';
import type { TaskInput as _flotilla_TaskInput, Task as _flotilla_Task } from '../flotilla/Task.js';
import type { NetworkInput as _flotilla_NetworkInput, Network as _flotilla_Network } from '../flotilla/Network.js';
import type { SecretInput as _flotilla_SecretInput, Secret as _flotilla_Secret } from '../flotilla/Secret.js';
import type { ConfigInput as _flotilla_ConfigInput, Config as _flotilla_Config } from '../flotilla/Config.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The whole state at one index: what a snapshot file or a Raft snapshot holds.
 */
export interface StoreSnapshotInput {
  'index'?: (number | string | Long);
  'clusters'?: (_flotilla_ClusterInput)[];
  'nodes'?: (_flotilla_NodeInput)[];
  'services'?: (_flotilla_ServiceInput)[];
  'tasks'?: (_flotilla_TaskInput)[];
  'networks'?: (_flotilla_NetworkInput)[];
  'secrets'?: (_flotilla_SecretInput)[];
  'configs'?: (_flotilla_ConfigInput)[];
}

/**
 * The whole state at one index: what a snapshot file or a Raft snapshot holds.
 */
export interface StoreSnapshot {
  'index': (number);
  'clusters': (_flotilla_Cluster)[];
  'nodes': (_flotilla_Node)[];
  'services': (_flotilla_Service)[];
  'tasks': (_flotilla_Task)[];
  'networks': (_flotilla_Network)[];
  'secrets': (_flotilla_Secret)[];
  'configs': (_flotilla_Config)[];
}
