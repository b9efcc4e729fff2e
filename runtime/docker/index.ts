export { DEFAULT_DOCKER_SOCKET, DockerDriver, type DockerDriverOptions } from './docker-driver.js';
