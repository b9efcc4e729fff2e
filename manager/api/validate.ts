/**
 * Checks a service spec before anything is written. Each error names the field and what
 * was expected, in the words of the CLI flag where one exists.
 */
import { invalidArgument } from '../../lib/errors.js';
import { HOST_IMAGE, type NodeSpec, type ServiceSpec } from '../../proto/types.js';
import { validatePlacement } from './validate-placement.js';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const SIGNAL = /^SIG[A-Z0-9]+$/;

export function validateServiceSpec(spec: ServiceSpec | null | undefined): asserts spec is ServiceSpec {
  if (!spec) throw invalidArgument('spec', 'a service spec');
  if (!NAME.test(spec.name)) {
    throw invalidArgument(
      'name (--name)',
      'letters, digits, "_", "." or "-", starting with a letter or digit, at most 63 characters',
      spec.name,
    );
  }
  if (spec.mode !== 'replicated' || !spec.replicated) {
    throw invalidArgument(
      'mode (--mode)',
      'replicated (global services come with a later release)',
      spec.mode,
    );
  }
  const replicas = spec.replicated.replicas;
  if (!Number.isSafeInteger(replicas) || replicas < 0 || replicas > 100_000) {
    throw invalidArgument('replicas (--replicas)', 'a whole number from 0 to 100000', replicas);
  }
  const container = spec.task?.container;
  if (!container?.image)
    throw invalidArgument('image', 'an image reference, or "host" to run a plain process');
  if (container.image === HOST_IMAGE && container.command.length + container.args.length === 0) {
    throw invalidArgument('command', 'a command to run with the image "host"');
  }
  for (const e of container.env) {
    if (!/^[^=\s]+=/.test(e)) throw invalidArgument('env (--env)', 'KEY=VALUE', e);
  }
  if (container.stopSignal && !SIGNAL.test(container.stopSignal)) {
    throw invalidArgument(
      'stop signal (--stop-signal)',
      'a signal name such as SIGTERM',
      container.stopSignal,
    );
  }
  if (container.stopGracePeriodMs < 0)
    throw invalidArgument('stop grace period (--stop-grace-period)', 'a duration ≥ 0');
  const restart = spec.task?.restart;
  if (restart && (restart.delayMs < 0 || restart.windowMs < 0 || restart.maxAttempts < 0)) {
    throw invalidArgument(
      'restart policy (--restart-delay, --restart-window, --restart-max-attempts)',
      'values ≥ 0',
    );
  }
  validatePlacement(spec.task);
}

const ROLES = ['WORKER', 'MANAGER'];
const AVAILABILITIES = ['ACTIVE', 'PAUSE', 'DRAIN'];
const LABEL_KEY = /^[a-zA-Z0-9][a-zA-Z0-9_./-]{0,127}$/;

export function validateNodeSpec(spec: NodeSpec | null | undefined): asserts spec is NodeSpec {
  if (!spec) throw invalidArgument('spec', 'a node spec');
  if (!ROLES.includes(spec.desiredRole)) throw invalidArgument('role', 'worker or manager', spec.desiredRole);
  if (!AVAILABILITIES.includes(spec.availability)) {
    throw invalidArgument('availability (--availability)', 'active, pause or drain', spec.availability);
  }
  for (const key of Object.keys(spec.labels)) {
    if (!LABEL_KEY.test(key))
      throw invalidArgument(
        'label (--label-add)',
        'KEY=VALUE with a key of letters, digits, "_", ".", "/" or "-"',
        key,
      );
  }
}
