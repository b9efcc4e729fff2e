/**
 * A service's specs over time: what a spec change does to the service (a new version, the
 * old spec kept in the history, an update started when the task spec changed, a paused
 * update resumed), and rolling back to an earlier version. The API and the updater (whose
 * failure action may roll back) share these.
 */
import { FlotillaError } from '../../lib/errors.js';
import {
  isJob,
  type Service,
  type ServiceSpec,
  type SpecVersion,
  type Task,
  type TaskSpec,
  type UpdateConfig,
  type UpdateStatus,
} from '../../proto/types.js';

/** Versions kept in a service's history (`cluster service history`). */
export const SPEC_HISTORY_LIMIT = 10;

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
function sameTaskSpec(a: TaskSpec | null | undefined, b: TaskSpec | null | undefined): boolean {
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

function pushHistory(service: Service, now: number): SpecVersion[] {
  const entry: SpecVersion = {
    version: service.specVersion,
    spec: service.spec,
    createdAt: service.meta?.updatedAt ?? now,
  };
  return [...service.specHistory, entry].slice(-SPEC_HISTORY_LIMIT);
}

function newStatus(
  state: UpdateStatus['state'],
  from: number,
  to: number,
  now: number,
  message = '',
): UpdateStatus {
  return {
    state,
    startedAt: now,
    completedAt: 0,
    message,
    fromVersion: from,
    toVersion: to,
    awaitingPromotion: false,
    promoted: false,
  };
}

/**
 * The service with `spec` as its spec. A changed task spec makes a new version (the spec it
 * replaces goes into the history) and starts a rolling update; any other change keeps the
 * version and resumes a paused update or rollback (`cluster service update SERVICE`).
 */
export function withSpec(service: Service, spec: ServiceSpec, now: number, tasksChange = false): Service {
  const status = service.updateStatus;
  if (!tasksChange && sameTaskSpec(service.spec?.task, spec.task)) {
    const paused = status?.state === 'UPDATE_PAUSED' || status?.state === 'ROLLBACK_PAUSED';
    const state = status?.state === 'UPDATE_PAUSED' ? 'UPDATING' : 'ROLLBACK_STARTED';
    const resumed: UpdateStatus | null =
      status && paused ? { ...status, state, startedAt: now, message: '' } : status;
    return { ...service, spec, previousSpec: service.spec, updateStatus: resumed };
  }
  const version = service.specVersion + 1;
  return {
    ...service,
    spec,
    previousSpec: service.spec,
    specVersion: version,
    specHistory: pushHistory(service, now),
    // Jobs are not rolled: their next tasks simply take the new spec.
    updateStatus: isJob(spec) ? status : newStatus('UPDATING', service.specVersion, version, now),
  };
}

/** The service with the canaries of its update promoted: the update goes on through every unit. */
export function promoted(service: Service): Service {
  const status = service.updateStatus;
  const name = service.spec?.name ?? service.id;
  if (status?.state !== 'UPDATING' || !updateConfig(service).canary || status.promoted) {
    throw new FlotillaError('CONFLICT', `service ${name} has no update waiting on canaries to promote`);
  }
  return { ...service, updateStatus: { ...status, awaitingPromotion: false, promoted: true } };
}

/**
 * The service with its update (or rollback) completed. A rollback's message keeps what
 * started it ("rollback requested", or the update's failure) and the version it went back to,
 * under the word that it completed: `service history` shows the message as it stands.
 */
export function updateCompleted(service: Service, now: number): Service {
  const status = service.updateStatus!;
  const back = rollingBack(service);
  return {
    ...service,
    updateStatus: {
      ...status,
      state: back ? 'ROLLBACK_COMPLETED' : 'UPDATE_COMPLETED',
      completedAt: now,
      message: back ? `rollback completed${status.message ? `: ${status.message}` : ''}` : 'update completed',
    },
  };
}

/**
 * The service rolled back to version `to` of its history (0: the version before the
 * current one), as a new version, with its rollback policy. `why` says what started it.
 */
export function rolledBack(service: Service, to: number, now: number, why: string): Service {
  const name = service.spec?.name ?? service.id;
  const target = to ? service.specHistory.find((v) => v.version === to) : service.specHistory.at(-1);
  if (!target?.spec) {
    const known = service.specHistory.map((v) => v.version).join(', ');
    throw new FlotillaError(
      to ? 'NOT_FOUND' : 'CONFLICT',
      to
        ? `service ${name} has no version ${to} in its history (it has: ${known || 'none'}); see \`cluster service history ${name}\``
        : `service ${name} has no previous version to roll back to`,
    );
  }
  const version = service.specVersion + 1;
  return {
    ...service,
    // The task and the policies go back; the number of replicas stays as it is now.
    spec: { ...target.spec, replicated: service.spec?.replicated ?? target.spec.replicated },
    previousSpec: service.spec,
    specVersion: version,
    specHistory: pushHistory(service, now),
    updateStatus: newStatus(
      'ROLLBACK_STARTED',
      service.specVersion,
      version,
      now,
      `${why} (back to the spec of v${target.version})`,
    ),
  };
}
