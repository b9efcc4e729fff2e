/** Checks of a service's update and rollback policies and of its health check. */
import { invalidArgument } from '../../lib/errors.js';
import type { HealthCheck, ServiceSpec, UpdateConfig } from '../../proto/types.js';

function validatePolicy(kind: 'update' | 'rollback', c: UpdateConfig | null): void {
  if (!c) return;
  const flag = (name: string) => `${kind} ${name} (--${kind}-${name})`;
  if (c.delayMs < 0) throw invalidArgument(flag('delay'), 'a duration ≥ 0', c.delayMs);
  if (c.monitorMs < 0) throw invalidArgument(flag('monitor'), 'a duration ≥ 0', c.monitorMs);
  if (c.timeoutMs < 0) throw invalidArgument(flag('timeout'), 'a duration ≥ 0 (0: 10 minutes)', c.timeoutMs);
  if (!(c.maxFailureRatio >= 0 && c.maxFailureRatio <= 1)) {
    throw invalidArgument(flag('max-failure-ratio'), 'a number from 0 to 1', c.maxFailureRatio);
  }
  if (kind === 'rollback' && c.failureAction === 'FAILURE_ROLLBACK') {
    throw invalidArgument(flag('failure-action'), 'pause or continue', 'rollback');
  }
}

function validateHealth(h: HealthCheck | null | undefined): void {
  if (!h) return;
  if (!h.cmd.trim()) throw invalidArgument('health check command (--health-cmd)', 'a command');
  if (h.intervalMs <= 0)
    throw invalidArgument('health interval (--health-interval)', 'a duration > 0', h.intervalMs);
  if (h.timeoutMs <= 0)
    throw invalidArgument('health timeout (--health-timeout)', 'a duration > 0', h.timeoutMs);
  if (h.retries < 1)
    throw invalidArgument('health retries (--health-retries)', 'a whole number ≥ 1', h.retries);
  if (h.startPeriodMs < 0) {
    throw invalidArgument('health start period (--health-start-period)', 'a duration ≥ 0', h.startPeriodMs);
  }
}

export function validateUpdatePolicies(spec: ServiceSpec): void {
  validatePolicy('update', spec.update);
  validatePolicy('rollback', spec.rollback);
  validateHealth(spec.task?.container?.healthcheck);
}
