/** The conformance suite's factory module for the docker driver (see runtime-conformance.ts). */
import type { RuntimeDriver } from '../../runtime/driver.js';
import { DockerDriver, type DockerDriverOptions } from '../../runtime/docker/index.js';

export function createDriver(options: unknown): RuntimeDriver {
  return new DockerDriver(options as DockerDriverOptions);
}
