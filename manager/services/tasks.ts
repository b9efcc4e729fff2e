/**
 * A service's tasks as both the API and the loops make and change them: a new task PENDING
 * for the scheduler, whether a task still holds its slot, and its desired state (only ever
 * raised).
 */
import { newId } from '../../lib/ids.js';
import { isTerminal, taskStateRank, type Service, type Task, type TaskState } from '../../proto/types.js';

/**
 * A new task, PENDING for the scheduler: to place, or, given a node (global modes), to
 * assign there once the node has room for it.
 */
export function newTask(service: Service, slot: number, now: number, nodeId = ''): Task {
  return {
    id: newId(),
    meta: null,
    serviceId: service.id,
    serviceName: service.spec?.name ?? '',
    slot,
    nodeId,
    // The service's own: the store keeps a frozen copy of what it is handed, shared by the
    // tasks of one service version, so a clone here was only work (a fifth of a pass that
    // creates hundreds of tasks).
    spec: service.spec?.task ?? null,
    specVersion: service.specVersion,
    ...(service.endpoint ? { endpoint: service.endpoint } : {}),
    desiredState: 'RUNNING',
    status: {
      timestamp: now,
      state: 'PENDING',
      message: 'pending task scheduling',
      err: '',
      container: null,
      health: 'HEALTH_NONE',
      healthOutput: '',
    },
    runningSince: 0,
    canary: false,
    networks: [],
  };
}

/** A task that is meant to run and has not stopped: it holds its slot. */
export function isActive(task: Task): boolean {
  return (
    taskStateRank(task.desiredState) <= taskStateRank('RUNNING') && !isTerminal(task.status?.state ?? 'NEW')
  );
}

export function withDesiredState(task: Task, desired: TaskState): Task {
  if (taskStateRank(desired) <= taskStateRank(task.desiredState)) return task;
  return { ...task, desiredState: desired };
}
