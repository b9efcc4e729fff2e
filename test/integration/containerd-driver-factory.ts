/** The conformance suite's factory module for the containerd driver (see runtime-conformance.ts). */
import type { RuntimeDriver } from '../../runtime/driver.js';
import { ContainerdDriver, type ContainerdDriverOptions } from '../../runtime/containerd/index.js';

export function createDriver(options: unknown): RuntimeDriver {
  return new ContainerdDriver(options as ContainerdDriverOptions);
}
