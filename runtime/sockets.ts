/**
 * Where the container engines answer by default: apart from their drivers, so that looking
 * for a socket loads none of a driver's code (dockerode, containerd's protocol files).
 */
export const DEFAULT_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
