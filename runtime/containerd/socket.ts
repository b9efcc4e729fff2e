/** Where containerd answers by default: apart from the driver, so that looking costs none of its code. */
export const DEFAULT_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
