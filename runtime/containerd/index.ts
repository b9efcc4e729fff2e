export {
  CONTAINERD_NAMESPACE,
  ContainerdDriver,
  DEFAULT_CONTAINERD_SOCKET,
  type ContainerdDriverOptions,
} from './containerd-driver.js';
