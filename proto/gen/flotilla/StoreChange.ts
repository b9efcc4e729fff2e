// Original file: proto/flotilla/store.proto

import type { ClusterInput as _flotilla_ClusterInput, Cluster as _flotilla_Cluster } from '../flotilla/Cluster.js';
import type { NodeInput as _flotilla_NodeInput, Node as _flotilla_Node } from '../flotilla/Node.js';
import type { ServiceInput as _flotilla_ServiceInput, Service as _flotilla_Service } from '../flotilla/Service.js';
import type { TaskInput as _flotilla_TaskInput, Task as _flotilla_Task } from '../flotilla/Task.js';
import type { NetworkInput as _flotilla_NetworkInput, Network as _flotilla_Network } from '../flotilla/Network.js';
import type { SecretInput as _flotilla_SecretInput, Secret as _flotilla_Secret } from '../flotilla/Secret.js';
import type { ConfigInput as _flotilla_ConfigInput, Config as _flotilla_Config } from '../flotilla/Config.js';
import type { Long } from '@grpc/proto-loader';

// Original file: proto/flotilla/store.proto

export const _flotilla_StoreChange_Kind = {
  CREATE: 'CREATE',
  UPDATE: 'UPDATE',
  DELETE: 'DELETE',
} as const;

export type _flotilla_StoreChange_KindInput =
  | 'CREATE'
  | 0
  | 'UPDATE'
  | 1
  | 'DELETE'
  | 2

export type _flotilla_StoreChange_Kind = typeof _flotilla_StoreChange_Kind[keyof typeof _flotilla_StoreChange_Kind]

/**
 * One change of a replicated write.
 */
export interface StoreChangeInput {
  'kind'?: (_flotilla_StoreChange_KindInput);
  /**
   * The version the writer read (update, delete); 0 for create.
   */
  'expectedVersion'?: (number | string | Long);
  'cluster'?: (_flotilla_ClusterInput | null);
  'node'?: (_flotilla_NodeInput | null);
  'service'?: (_flotilla_ServiceInput | null);
  'task'?: (_flotilla_TaskInput | null);
  'network'?: (_flotilla_NetworkInput | null);
  'secret'?: (_flotilla_SecretInput | null);
  'config'?: (_flotilla_ConfigInput | null);
  'object'?: "cluster"|"node"|"service"|"task"|"network"|"secret"|"config";
}

/**
 * One change of a replicated write.
 */
export interface StoreChange {
  'kind': (_flotilla_StoreChange_Kind);
  /**
   * The version the writer read (update, delete); 0 for create.
   */
  'expectedVersion': (number);
  'cluster'?: (_flotilla_Cluster | null);
  'node'?: (_flotilla_Node | null);
  'service'?: (_flotilla_Service | null);
  'task'?: (_flotilla_Task | null);
  'network'?: (_flotilla_Network | null);
  'secret'?: (_flotilla_Secret | null);
  'config'?: (_flotilla_Config | null);
  'object'?: "cluster"|"node"|"service"|"task"|"network"|"secret"|"config";
}
