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
  type UpdateStatus,
} from '../../proto/types.js';
import { rollingBack, sameTaskSpec, updateConfig } from '../../proto/service-update.js';
import { reservePorts } from '../allocator/ports.js';
import type { WriteTx } from '../store/types.js';
import { isActive, withDesiredState } from './tasks.js';

/** Versions kept in a service's history (`cluster service history`). */
export const SPEC_HISTORY_LIMIT = 10;

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

/**
 * Rolls the service back in `tx` (see rolledBack): the ports of the spec it goes back to are
 * reserved again and those it no longer publishes freed (CONFLICT, with nothing written, when
 * another service took one meanwhile); the canaries of its update are shut down.
 */
export function rollBack(tx: WriteTx, service: Service, to: number, now: number, why: string): void {
  const back = rolledBack(service, to, now, why);
  const endpoint = reservePorts(tx, service.id, back.spec?.endpoint, service.endpoint);
  tx.update('services', { ...back, endpoint });
  for (const t of tx.tasksByService(service.id)) {
    if (t.canary && isActive(t)) tx.update('tasks', withDesiredState(t, 'SHUTDOWN'));
  }
}
