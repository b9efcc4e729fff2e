/** Where a Docker Engine answers by default: apart from the driver, so that looking costs no dockerode. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
