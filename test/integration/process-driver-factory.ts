/** The conformance suite's factory module for the process driver (see runtime-conformance.ts). */
import type { RuntimeDriver } from '../../runtime/driver.js';
import { ProcessDriver, type ProcessDriverOptions } from '../../runtime/process/index.js';

export function createDriver(options: unknown): RuntimeDriver {
  return new ProcessDriver(options as ProcessDriverOptions);
}
