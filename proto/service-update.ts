/**
 * What a service's update fields say (its update status and policies, and whether a task runs
 * the service's current spec), read alike by the managers (API and loops) and the CLI.
 */
import type { Service, Task, TaskSpec, UpdateConfig } from './types.js';

export const DEFAULT_UPDATE_CONFIG: UpdateConfig = {
  parallelism: 1,
  delayMs: 0,
  failureAction: 'FAILURE_PAUSE',
  monitorMs: 5_000,
  maxFailureRatio: 0,
  order: 'STOP_FIRST',
  canary: 0,
  autoPromote: false,
  timeoutMs: 0,
};

/** How long a unit's new task may take to run before the update pauses, when its policy says 0. */
export const DEFAULT_UPDATE_TIMEOUT_MS = 10 * 60_000;

/** JSON with object keys sorted, so that equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Whether two task specs would run the same task (an update replaces tasks only when not). */
export function sameTaskSpec(a: TaskSpec | null | undefined, b: TaskSpec | null | undefined): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

/**
 * Whether a task runs what its service asks for now: the same task spec and the published
 * ports the service holds (tasks carry the ports they were made for; an update replaces the
 * others).
 */
export function isCurrent(task: Task, service: Service): boolean {
  return (
    sameTaskSpec(task.spec, service.spec?.task) &&
    canonical(task.endpoint?.ports ?? []) === canonical(service.endpoint?.ports ?? [])
  );
}

export function rollingBack(service: Service): boolean {
  const state = service.updateStatus?.state;
  return state === 'ROLLBACK_STARTED' || state === 'ROLLBACK_PAUSED';
}

/** Whether tasks are being replaced now (the updater's work). */
export function updateInProgress(service: Service | undefined): boolean {
  const state = service?.updateStatus?.state;
  return state === 'UPDATING' || state === 'ROLLBACK_STARTED';
}

/** The policy the current update (or rollback) follows. */
export function updateConfig(service: Service): UpdateConfig {
  const spec = service.spec;
  return (rollingBack(service) ? spec?.rollback : spec?.update) ?? DEFAULT_UPDATE_CONFIG;
}

/** Whether the update runs canaries beside the old tasks and has not been promoted yet. */
export function inCanaryPhase(service: Service): boolean {
  return (
    service.updateStatus?.state === 'UPDATING' &&
    updateConfig(service).canary > 0 &&
    !service.updateStatus.promoted
  );
}

/**
 * Whether a unit may run a new task beside the old one for now: a start-first update (until
 * the new one runs) or canaries (until promoted).
 */
export function overlaps(service: Service): boolean {
  return (
    (updateInProgress(service) && updateConfig(service).order === 'START_FIRST') || inCanaryPhase(service)
  );
}
