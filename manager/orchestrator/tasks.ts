/** Making tasks from services, and the small facts about them every loop agrees on. */
import { newId } from '../../lib/ids.js';
import { isTerminal, taskStateRank, type Service, type Task, type TaskState } from '../../proto/types.js';

export function newTask(service: Service, slot: number, now: number): Task {
  return {
    id: newId(),
    meta: null,
    serviceId: service.id,
    serviceName: service.spec?.name ?? '',
    slot,
    nodeId: '',
    spec: structuredClone(service.spec?.task ?? null),
    specVersion: service.specVersion,
    desiredState: 'RUNNING',
    status: {
      timestamp: now,
      state: 'PENDING',
      message: 'pending task scheduling',
      err: '',
      container: null,
    },
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

export function taskName(task: Task): string {
  return task.slot > 0 ? `${task.serviceName}.${task.slot}` : `${task.serviceName}.${task.nodeId}`;
}
