/**
 * What a node tells the managers about itself, and the release it runs. Kept apart from the
 * daemon so that the CLI can use them without loading the manager and the agent.
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { NodeDescription } from '../proto/types.js';
import type { NodeIdentity } from './data-dir.js';

/** The release, as package.json says (read from the source tree, next to dist/). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function describeNode(
  {
    hostname,
    genericResources,
    engineLabels,
  }: Pick<NodeIdentity, 'hostname' | 'genericResources' | 'engineLabels'>,
  runtimes: string[],
  overlayNetworks: boolean,
): NodeDescription {
  return {
    hostname,
    platform: { os: process.platform, arch: process.arch },
    resources: { nanoCpus: cpus().length * 1e9, memoryBytes: totalmem(), pids: 0 },
    runtimes,
    version: VERSION,
    genericResources: genericResources ?? {},
    engineLabels: engineLabels ?? {},
    overlayNetworks,
  };
}
