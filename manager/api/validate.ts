/**
 * Checks a service spec before anything is written. Each error names the field and what
 * was expected, in the words of the CLI flag where one exists.
 */
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import { formatBytes } from '../../lib/sizes.js';
import { codec } from '../../proto/load.js';
import { HOST_IMAGE, type NodeSpec, type ServiceSpec } from '../../proto/types.js';
import { validateContainer, validateRuntimeFields } from './validate-container.js';
import { validatePlacement } from './validate-placement.js';
import { checkDuration, validateUpdatePolicies } from './validate-update.js';
import { validateEndpoint } from './validate-ports.js';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const SIGNAL = /^SIG[A-Z0-9]+$/;
const RESTART_CONDITIONS: string[] = ['RESTART_ANY', 'RESTART_ON_FAILURE', 'RESTART_NONE'];
/**
 * The most a service spec may take, encoded: each version is written to every manager's log
 * and kept in the service's history, and its task part goes to a node with every task.
 */
export const MAX_SPEC_BYTES = 512 * 1024;
const specCodec = codec<ServiceSpec>('flotilla.ServiceSpec');

export function validateServiceSpec(spec: ServiceSpec | null | undefined): asserts spec is ServiceSpec {
  if (!spec) throw invalidArgument('spec', 'a service spec');
  validateSpecSize(spec);
  validateName(spec.name, 'name (--name)');
  validateMode(spec);
  const container = spec.task?.container;
  if (!container?.image)
    throw invalidArgument('image', 'an image reference, or "host" to run a plain process');
  if (container.image === HOST_IMAGE && container.command.length + container.args.length === 0) {
    throw invalidArgument('command', 'a command to run with the image "host"');
  }
  for (const e of container.env) {
    if (!/^[^=\s]+=/.test(e)) throw invalidArgument('env (--env)', 'KEY=VALUE', e);
  }
  validateContainer(container);
  validateRuntimeFields(container, spec.task?.resources?.limits);
  if (container.stopSignal && !SIGNAL.test(container.stopSignal)) {
    throw invalidArgument(
      'stop signal (--stop-signal)',
      'a signal name such as SIGTERM',
      container.stopSignal,
    );
  }
  checkDuration('stop grace period (--stop-grace-period)', container.stopGracePeriodMs, 0);
  const restart = spec.task?.restart;
  if (restart && !RESTART_CONDITIONS.includes(restart.condition)) {
    throw invalidArgument(
      'restart condition (--restart-condition)',
      'none, on-failure or any',
      restart.condition,
    );
  }
  if (restart) checkDuration('restart delay (--restart-delay)', restart.delayMs, 0);
  if (restart && (restart.windowMs < 0 || restart.maxAttempts < 0)) {
    throw invalidArgument(
      'restart policy (--restart-delay, --restart-window, --restart-max-attempts)',
      'values ≥ 0',
    );
  }
  validatePlacement(spec.task);
  validateUpdatePolicies(spec);
  validateEndpoint(spec.endpoint);
}

function validateSpecSize(spec: ServiceSpec): void {
  const size = specCodec.encode(spec).length;
  if (size > MAX_SPEC_BYTES) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `the service spec is ${formatBytes(size)}; the limit is ${formatBytes(MAX_SPEC_BYTES)} (env, args and labels count)`,
    );
  }
}

function validateMode(spec: ServiceSpec): void {
  const count = (field: string, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min || value > 100_000) {
      throw invalidArgument(field, `a whole number from ${min} to 100000`, value);
    }
  };
  if (spec.mode === 'replicated' && spec.replicated)
    count('replicas (--replicas)', spec.replicated.replicas, 0);
  else if (spec.mode === 'replicatedJob' && spec.replicatedJob) {
    count('total completions (--replicas)', spec.replicatedJob.totalCompletions, 1);
    count('max concurrent (--max-concurrent)', spec.replicatedJob.maxConcurrent, 1);
  } else if (!(spec.mode === 'global' && spec.global) && !(spec.mode === 'globalJob' && spec.globalJob)) {
    throw invalidArgument('mode (--mode)', 'replicated, global, replicated-job or global-job', spec.mode);
  }
}

const ROLES = ['WORKER', 'MANAGER'];
const AVAILABILITIES = ['ACTIVE', 'PAUSE', 'DRAIN'];
const LABEL_KEY = /^[a-zA-Z0-9][a-zA-Z0-9_./-]{0,127}$/;

/** The name of a service, network, secret or config. */
export function validateName(name: string, field: string): void {
  if (!NAME.test(name)) {
    throw invalidArgument(
      field,
      'letters, digits, "_", "." or "-", starting with a letter or digit, at most 63 characters',
      name,
    );
  }
}

/** Label keys; `field` names the flag that sets them. */
export function validateLabels(labels: Record<string, string>, field: string): void {
  for (const key of Object.keys(labels)) {
    if (!LABEL_KEY.test(key))
      throw invalidArgument(field, 'KEY=VALUE with a key of letters, digits, "_", ".", "/" or "-"', key);
  }
}

export function validateNodeSpec(spec: NodeSpec | null | undefined): asserts spec is NodeSpec {
  if (!spec) throw invalidArgument('spec', 'a node spec');
  if (!ROLES.includes(spec.desiredRole)) throw invalidArgument('role', 'worker or manager', spec.desiredRole);
  if (!AVAILABILITIES.includes(spec.availability)) {
    throw invalidArgument('availability (--availability)', 'active, pause or drain', spec.availability);
  }
  validateLabels(spec.labels, 'label (--label-add)');
}
