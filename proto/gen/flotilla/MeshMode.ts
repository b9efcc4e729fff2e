// Original file: proto/flotilla/types.proto

/**
 * Which data path carries a service's published ports on each node.
 */
export const MeshMode = {
  /**
   * The kernel path where the node supports it, else the userspace proxy.
   */
  MESH_AUTO: 'MESH_AUTO',
  /**
   * nftables DNAT with conntrack: no byte crosses a userspace process.
   */
  MESH_KERNEL: 'MESH_KERNEL',
  /**
   * The node daemon's proxy: least-conn, PROXY protocol, retry of a refused connect.
   */
  MESH_USERSPACE: 'MESH_USERSPACE',
} as const;

/**
 * Which data path carries a service's published ports on each node.
 */
export type MeshModeInput =
  /**
   * The kernel path where the node supports it, else the userspace proxy.
   */
  | 'MESH_AUTO'
  | 0
  /**
   * nftables DNAT with conntrack: no byte crosses a userspace process.
   */
  | 'MESH_KERNEL'
  | 1
  /**
   * The node daemon's proxy: least-conn, PROXY protocol, retry of a refused connect.
   */
  | 'MESH_USERSPACE'
  | 2

/**
 * Which data path carries a service's published ports on each node.
 */
export type MeshMode = typeof MeshMode[keyof typeof MeshMode]
