/**
 * The updater: rolls the tasks of a service whose update status is UPDATING (or
 * ROLLBACK_STARTED) over to its current task spec, following the service's update (or
 * rollback) policy. It keeps nothing in memory that matters: each pass reads where the
 * update stands from the store (which tasks have the new spec, since when they run, which
 * failed since the update started), so a manager that takes over the leadership continues
 * an update where its predecessor left it.
 *
 * A unit is a replica slot (replicated services) or a node (global services). At most
 * `parallelism` units are in flight at once: from the moment their new task is created
 * until it has been RUNNING for `delay`. stop-first shuts the old task down as the new one
 * is created; start-first creates the new one beside it and shuts the old one down once the
 * new one runs (with a health check: once it is healthy). A new task that fails before it
 * has run for `monitor` counts as failed; when the failures exceed `max failure ratio` of
 * the units, the failure action runs: pause, continue, or roll back. A unit whose new task has
 * not run within `timeout` (it cannot be placed, say) pauses the update with the task's reason.
 */
import { humanDuration } from '../../lib/durations.js';
import { FlotillaError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { isJob, taskName, type Service, type Task, type UpdateConfig } from '../../proto/types.js';
import type { ReadTx, Store, StoreEvent, WriteTx } from '../store/types.js';
import { Orchestrator } from './orchestrator.js';
import { byCreation, tasksBySlot } from './slots.js';
import { isActive, newTask, withDesiredState } from '../services/tasks.js';
import {
  DEFAULT_UPDATE_TIMEOUT_MS,
  inCanaryPhase,
  isCurrent,
  rollingBack,
  updateConfig,
  updateInProgress,
} from '../../proto/service-update.js';
import { rollBack, updateCompleted } from '../services/versions.js';

/** A replica slot, or a node of a global service, with its tasks oldest first. */
interface Unit {
  slot: number;
  nodeId: string;
  history: Task[];
}

const FAILED_STATES = new Set(['FAILED', 'REJECTED', 'COMPLETE']);

/** A task that stopped by itself (not shut down) before it had run for `monitorMs`. */
function failedEarly(t: Task, monitorMs: number): boolean {
  const state = t.status?.state ?? 'NEW';
  if (!FAILED_STATES.has(state)) return false;
  return !t.runningSince || (t.status?.timestamp ?? 0) - t.runningSince < monitorMs;
}

function isUp(t: Task): boolean {
  return t.status?.state === 'RUNNING';
}

/** The units of a service: its replica slots, or the nodes that run its global tasks. */
function unitsOf(service: Service, tasks: Task[]): Unit[] {
  if (service.spec?.mode === 'replicated') {
    const bySlot = tasksBySlot(tasks);
    const replicas = service.spec.replicated?.replicas ?? 0;
    return Array.from({ length: replicas }, (_, i) => ({
      slot: i + 1,
      nodeId: '',
      history: (bySlot.get(i + 1) ?? []).sort(byCreation),
    }));
  }
  const byNode = new Map<string, Task[]>();
  for (const t of tasks) {
    if (!t.nodeId) continue;
    let history = byNode.get(t.nodeId);
    if (!history) byNode.set(t.nodeId, (history = []));
    history.push(t);
  }
  return [...byNode]
    .filter(([, history]) => history.some(isActive))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([nodeId, history]) => ({ slot: 0, nodeId, history: history.sort(byCreation) }));
}

export class Updater extends Orchestrator {
  constructor(store: Store, log: Logger, now: () => number = Date.now) {
    super('updater', store, log, now);
  }

  protected owns(service: Service | undefined): boolean {
    return !!service && !isJob(service.spec) && updateInProgress(service);
  }

  protected nodeChanged(_tx: ReadTx, _e: StoreEvent & { table: 'nodes' }): string[] {
    return [];
  }

  /** Every step of a task's life matters here: RUNNING ends a unit's update, a failure counts. */
  protected override taskChanged(old: Task, task: Task): boolean {
    return (
      old.status?.state !== task.status?.state ||
      old.desiredState !== task.desiredState ||
      old.runningSince !== task.runningSince
    );
  }

  protected reconcileService(tx: WriteTx, service: Service | undefined, tasks: Task[], now: number): void {
    if (!service?.updateStatus) return;
    const wait = this.step(tx, service, tasks, now);
    if (wait !== undefined) this.retryLater(service.id, wait);
  }

  /** One step of the update; returns the milliseconds after which to look again, if no event will say. */
  private step(tx: WriteTx, service: Service, tasks: Task[], now: number): number | undefined {
    const status = service.updateStatus!;
    const config = updateConfig(service);
    const fresh = (t: Task) => isCurrent(t, service);
    const sinceStart = (t: Task) => (t.meta?.createdAt ?? now) >= status.startedAt;

    const failed = tasks.filter((t) => fresh(t) && sinceStart(t) && failedEarly(t, config.monitorMs));
    const units = unitsOf(service, tasks);
    if (failed.length > 0 && failed.length > config.maxFailureRatio * units.length) {
      if (config.failureAction !== 'FAILURE_CONTINUE') {
        this.fail(tx, service, config, failed, units.length, now);
        return undefined;
      }
    }

    let waitMs: number | undefined;
    const later = (ms: number) => (waitMs = Math.min(waitMs ?? ms, ms));
    const inFlight: Unit[] = [];
    const todo: Unit[] = [];
    const settling: Task[] = [];
    const timeoutMs = config.timeoutMs || DEFAULT_UPDATE_TIMEOUT_MS;
    let stuck: Task | undefined;
    const canaries = inCanaryPhase(service);
    for (const unit of units) {
      const active = unit.history.filter(isActive);
      const stale = active.filter((t) => !fresh(t));
      const newest = active.filter(fresh).at(-1);
      if (newest && isUp(newest)) {
        // The new task runs, so the one it replaces goes (a canary's stays until promoted).
        if (!canaries) for (const t of stale) tx.update('tasks', replaced(t, service.specVersion));
        const runningFor = now - (newest.runningSince || newest.status?.timestamp || now);
        if (runningFor < config.delayMs) {
          inFlight.push(unit);
          later(config.delayMs - runningFor);
        }
        if (sinceStart(newest) && runningFor < config.monitorMs) settling.push(newest);
      } else if (newest) {
        inFlight.push(unit);
        const waited = now - Math.max(newest.meta?.createdAt ?? now, status.startedAt);
        if (waited >= timeoutMs) stuck ??= newest;
        else later(timeoutMs - waited);
      } else if (
        // A unit whose old task runs, or that stopped and waits for a restart of the old spec.
        (stale.length > 0 ||
          (active.length === 0 && unit.history.length > 0 && !fresh(unit.history.at(-1)!))) &&
        !unit.history.some((t) => fresh(t) && sinceStart(t) && failedEarly(t, config.monitorMs))
      ) {
        todo.push(unit);
      }
    }

    if (stuck) {
      const why = stuck.status?.err || stuck.status?.message || stuck.status?.state;
      this.pause(
        tx,
        service,
        `task ${taskName(stuck)} has not run after ${humanDuration(timeoutMs)}: ${why}`,
      );
      return undefined;
    }

    // Canaries: new tasks beside the old ones in the first `canary` units, and no others.
    if (canaries) todo.splice(0, todo.length, ...todo.filter((u) => units.indexOf(u) < config.canary));
    const parallelism = config.parallelism || Infinity;
    for (const unit of todo.slice(0, Math.max(0, parallelism - inFlight.length))) {
      if (config.order === 'STOP_FIRST' && !canaries) {
        for (const t of unit.history.filter(isActive)) tx.update('tasks', replaced(t, service.specVersion));
      }
      tx.create('tasks', { ...newTask(service, unit.slot, now, unit.nodeId), canary: canaries });
    }

    const again = () => (waitMs === undefined ? undefined : Math.max(waitMs, 1));
    if (todo.length > 0 || inFlight.length > 0) return again();
    // Every unit is done: the tasks started last have yet to outlive the monitor period.
    for (const t of settling) later(config.monitorMs - (now - (t.runningSince || now)));
    if (settling.length > 0) return again();
    if (canaries) this.canariesPassed(tx, service, config);
    else this.complete(tx, service, now);
    return undefined;
  }

  /** The canaries ran the monitor period: promoted at once with auto-promote, else the update waits for `service promote`. */
  private canariesPassed(tx: WriteTx, service: Service, config: UpdateConfig): void {
    const status = service.updateStatus!;
    if (config.autoPromote) {
      tx.update('services', {
        ...service,
        updateStatus: { ...status, awaitingPromotion: false, promoted: true },
      });
      this.log.info({ service: service.spec?.name }, 'canaries promoted');
    } else if (!status.awaitingPromotion) {
      tx.update('services', { ...service, updateStatus: { ...status, awaitingPromotion: true } });
      this.log.info({ service: service.spec?.name }, 'canaries run; waiting for promotion');
    }
  }

  private complete(tx: WriteTx, service: Service, now: number): void {
    const back = rollingBack(service);
    tx.update('services', updateCompleted(service, now));
    this.log.info(
      { service: service.spec?.name, version: service.specVersion },
      back ? 'rollback completed' : 'update completed',
    );
  }

  /** Runs the failure action: pause, or roll back (a failing rollback pauses). */
  private fail(
    tx: WriteTx,
    service: Service,
    config: UpdateConfig,
    failed: Task[],
    units: number,
    now: number,
  ): void {
    const first = failed[0]!;
    const why = `${failed.length} of ${units} task${units === 1 ? '' : 's'} failed (${taskName(first)}: ${first.status?.err || first.status?.state})`;
    const back = rollingBack(service);
    const name = service.spec?.name;
    let cannot = '';
    if (config.failureAction === 'FAILURE_ROLLBACK' && !back) {
      const reason = `update to version ${service.specVersion} rolled back: ${why}`;
      const from = service.updateStatus?.fromVersion ?? 0;
      const to = service.specHistory.some((v) => v.version === from) ? from : 0;
      if (service.specHistory.length > 0) {
        try {
          rollBack(tx, service, to, now, reason);
          this.log.warn({ service: name, why }, 'update failed; rolling back');
          return;
        } catch (err) {
          // The old spec's ports went to another service meanwhile: pause, saying so.
          if (!(err instanceof FlotillaError && err.code === 'CONFLICT')) throw err;
          cannot = `; cannot roll back: ${err.message}`;
        }
      }
    }
    this.pause(tx, service, `${why}${cannot}`);
  }

  private pause(tx: WriteTx, service: Service, why: string): void {
    const back = rollingBack(service);
    const name = service.spec?.name;
    const message = `${back ? 'rollback' : 'update'} paused: ${why}; resume with \`cluster service update ${name}\``;
    tx.update('services', {
      ...service,
      updateStatus: { ...service.updateStatus!, state: back ? 'ROLLBACK_PAUSED' : 'UPDATE_PAUSED', message },
    });
    this.log.warn({ service: name, why }, back ? 'rollback paused' : 'update paused');
  }
}

/** A task shut down because an update replaces it. */
function replaced(t: Task, version: number): Task {
  return {
    ...withDesiredState(t, 'SHUTDOWN'),
    status: t.status && { ...t.status, message: `replaced by version ${version}` },
  };
}
