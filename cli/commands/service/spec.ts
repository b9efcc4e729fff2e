/** The service spec that `service create`'s flags (and a Compose file's keys, through them) describe. */
import { invalidArgument } from '../../../lib/errors.js';
import type { ServiceSpec } from '../../../proto/types.js';
import { labels, parseCount, parseDuration } from '../../format.js';
import { containerFromFlags, restartFromFlags, type ContainerOptions } from './flags/container.js';
import { filesFromFlags, type FileOptions } from './flags/file.js';
import { placementFromFlags, type PlacementOptions } from './flags/placement.js';
import { withPolicyFlags, type PolicyOptions } from './flags/policy.js';
import { endpointFromFlags, type PublishOptions } from './flags/publish.js';
import {
  overlayNetworksFromFlags,
  runtimeFromFlags,
  withLimits,
  type RuntimeOptions,
} from './flags/runtime.js';
import { MODES } from './modes.js';

export interface CreateOptions
  extends PlacementOptions, ContainerOptions, PolicyOptions, PublishOptions, RuntimeOptions, FileOptions {
  name: string;
  replicas?: string;
  mode?: string;
  maxConcurrent?: string;
  label: string[];
  containerLabel: string[];
  workdir?: string;
  restartCondition: string;
  restartDelay: string;
  restartMaxAttempts: string;
  restartWindow: string;
  stopSignal?: string;
  stopGracePeriod: string;
  detach?: boolean;
}

type ModeSpec = Pick<ServiceSpec, 'mode' | 'replicated' | 'global' | 'replicatedJob' | 'globalJob'>;

function modeFromFlags(o: CreateOptions): ModeSpec {
  const mode = MODES[(o.mode ?? 'replicated') as keyof typeof MODES];
  if (!mode) throw invalidArgument('--mode', 'replicated, global, replicated-job or global-job', o.mode);
  if (o.maxConcurrent !== undefined && mode !== 'replicatedJob') {
    throw invalidArgument('--max-concurrent', 'only with --mode replicated-job', o.maxConcurrent);
  }
  if (o.replicas !== undefined && (mode === 'global' || mode === 'globalJob')) {
    throw invalidArgument('--replicas', 'only with --mode replicated or replicated-job', o.replicas);
  }
  const replicas = parseCount('--replicas', o.replicas ?? '1');
  switch (mode) {
    case 'replicated':
      return { mode, replicated: { replicas } };
    case 'replicatedJob': {
      // As in Docker: --replicas is the total of completions, all at once unless limited.
      const max = o.maxConcurrent === undefined ? replicas : parseCount('--max-concurrent', o.maxConcurrent);
      return { mode, replicatedJob: { totalCompletions: replicas, maxConcurrent: max } };
    }
    case 'global':
      return { mode, global: {} };
    case 'globalJob':
      return { mode, globalJob: {} };
  }
}

/** The flag defaults of `service create` that specFromFlags needs (the others are optional). */
export const CREATE_DEFAULTS = {
  env: [] as string[],
  label: [] as string[],
  containerLabel: [] as string[],
  restartCondition: 'any',
  restartDelay: '5s',
  restartMaxAttempts: '0',
  restartWindow: '0',
  stopGracePeriod: '10s',
};

export function specFromFlags(image: string, command: string[], o: CreateOptions): ServiceSpec {
  const spec: ServiceSpec = {
    name: o.name,
    labels: labels('--label', o.label),
    ...modeFromFlags(o),
    update: null,
    rollback: null,
    task: {
      container: {
        image,
        command: [],
        args: command,
        ...filesFromFlags(o),
        dir: o.workdir ?? '',
        labels: labels('--container-label', o.containerLabel),
        stopSignal: o.stopSignal ?? '',
        stopGracePeriodMs: parseDuration('--stop-grace-period', o.stopGracePeriod),
        ...containerFromFlags(o),
        ...runtimeFromFlags(o, image),
        healthcheck: null,
      },
      restart: restartFromFlags(o, null),
      ...withLimits(o, placementFromFlags(o)),
      forceUpdate: 0,
      networks: overlayNetworksFromFlags(o),
    },
    ...endpointFromFlags(o),
  };
  return withPolicyFlags(spec, o);
}
