export { DockerDriver, type DockerDriverOptions } from './docker-driver.js';
