/** The restart policy: when a slot whose task stopped may start another. */
import type { Logger } from '../../lib/log.js';
import { isJob, type Service, type Task } from '../../proto/types.js';

/**
 * Milliseconds until a slot whose last task stopped may restart, 0 for now, or 'never' per
 * the restart policy. A job's completed task is never restarted.
 */
export function restartWait(
  service: Service,
  history: Task[],
  last: Task,
  now: number,
  log: Logger,
  where: Record<string, unknown>,
): number | 'never' {
  const policy = service.spec?.task?.restart;
  const condition = policy?.condition ?? 'RESTART_ANY';
  const completed = last.status?.state === 'COMPLETE';
  if (condition === 'RESTART_NONE') return 'never';
  if (completed && (condition === 'RESTART_ON_FAILURE' || isJob(service.spec))) return 'never';
  const maxAttempts = policy?.maxAttempts ?? 0;
  if (maxAttempts > 0) {
    const windowStart = policy?.windowMs ? now - policy.windowMs : 0;
    const restarts = history.filter((t) => (t.meta?.createdAt ?? 0) >= windowStart).length - 1;
    if (restarts >= maxAttempts) {
      log.info({ service: service.spec?.name, ...where }, 'restart attempts exhausted; slot left stopped');
      return 'never';
    }
  }
  return Math.max(0, (last.status?.timestamp ?? 0) + (policy?.delayMs ?? 0) - now);
}
