export { DockerDriver, type DockerDriverOptions } from './docker-driver.js';
export { DEFAULT_DOCKER_SOCKET } from './socket.js';
