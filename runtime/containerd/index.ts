export { CONTAINERD_NAMESPACE, ContainerdDriver, type ContainerdDriverOptions } from './containerd-driver.js';
