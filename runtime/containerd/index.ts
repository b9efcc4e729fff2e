export { CONTAINERD_NAMESPACE, ContainerdDriver, type ContainerdDriverOptions } from './containerd-driver.js';
export { DEFAULT_CONTAINERD_SOCKET } from './socket.js';
