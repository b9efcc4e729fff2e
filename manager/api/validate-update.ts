/** Checks of a service's update and rollback policies and of its health check. */
import { invalidArgument } from '../../lib/errors.js';
import type { HealthCheck, ServiceSpec, UpdateConfig } from '../../proto/types.js';

/** The longest a timer waits (Node runs a longer one at once): about 24.8 days. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Refuses a duration under `min` ms, or longer than a timer waits. */
export function checkDuration(
  field: string,
  ms: number,
  min: 0 | 1,
  expected = `a duration ${min ? '> 0' : '≥ 0'}`,
) {
  if (!(Number.isSafeInteger(ms) && ms >= min && ms <= MAX_TIMER_MS)) {
    throw invalidArgument(field, `${expected}, at most 24 days`, ms);
  }
}

function validatePolicy(kind: 'update' | 'rollback', c: UpdateConfig | null): void {
  if (!c) return;
  const flag = (name: string) => `${kind} ${name} (--${kind}-${name})`;
  checkDuration(flag('delay'), c.delayMs, 0);
  checkDuration(flag('monitor'), c.monitorMs, 0);
  checkDuration(flag('timeout'), c.timeoutMs, 0, 'a duration ≥ 0 (0: 10 minutes)');
  if (!(c.maxFailureRatio >= 0 && c.maxFailureRatio <= 1)) {
    throw invalidArgument(flag('max-failure-ratio'), 'a number from 0 to 1', c.maxFailureRatio);
  }
  // The wire carries enum values the contract does not name, as numbers.
  const actions: string[] = ['FAILURE_PAUSE', 'FAILURE_CONTINUE'];
  if (kind === 'update') actions.push('FAILURE_ROLLBACK');
  if (!actions.includes(c.failureAction)) {
    const expected = kind === 'update' ? 'pause, continue or rollback' : 'pause or continue';
    throw invalidArgument(flag('failure-action'), expected, c.failureAction);
  }
  if (c.order !== 'STOP_FIRST' && c.order !== 'START_FIRST')
    throw invalidArgument(flag('order'), 'stop-first or start-first', c.order);
}

function validateHealth(h: HealthCheck | null | undefined): void {
  if (!h) return;
  if (!h.cmd.trim()) throw invalidArgument('health check command (--health-cmd)', 'a command');
  checkDuration('health interval (--health-interval)', h.intervalMs, 1);
  checkDuration('health timeout (--health-timeout)', h.timeoutMs, 1);
  if (h.retries < 1)
    throw invalidArgument('health retries (--health-retries)', 'a whole number ≥ 1', h.retries);
  checkDuration('health start period (--health-start-period)', h.startPeriodMs, 0);
}

export function validateUpdatePolicies(spec: ServiceSpec): void {
  validatePolicy('update', spec.update);
  validatePolicy('rollback', spec.rollback);
  validateHealth(spec.task?.container?.healthcheck);
}
