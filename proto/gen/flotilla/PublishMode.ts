// Original file: proto/flotilla/types.proto

export const PublishMode = {
  /**
   * Every node's mesh listens on the published port and balances over the tasks anywhere.
   */
  INGRESS: 'INGRESS',
  /**
   * Only nodes that run a task publish the port, straight to that task.
   */
  HOST: 'HOST',
} as const;

export type PublishModeInput =
  /**
   * Every node's mesh listens on the published port and balances over the tasks anywhere.
   */
  | 'INGRESS'
  | 0
  /**
   * Only nodes that run a task publish the port, straight to that task.
   */
  | 'HOST'
  | 1

export type PublishMode = typeof PublishMode[keyof typeof PublishMode]
