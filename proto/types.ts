/** The message types that code inside a process passes around, by their plain names. */
export type { Meta } from './gen/flotilla/Meta.js';
export type { Node } from './gen/flotilla/Node.js';
export type { NodeSpec } from './gen/flotilla/NodeSpec.js';
export type { NodeStatus } from './gen/flotilla/NodeStatus.js';
export type { NodeDescription } from './gen/flotilla/NodeDescription.js';
export type { NodeRole } from './gen/flotilla/NodeRole.js';
export type { NodeState } from './gen/flotilla/NodeState.js';
export type { NodeAvailability } from './gen/flotilla/NodeAvailability.js';
export type { Service } from './gen/flotilla/Service.js';
export type { ServiceSpec } from './gen/flotilla/ServiceSpec.js';
export type { TaskSpec } from './gen/flotilla/TaskSpec.js';
export type { Placement } from './gen/flotilla/Placement.js';
export type { ContainerSpec } from './gen/flotilla/ContainerSpec.js';
export type { Resources } from './gen/flotilla/Resources.js';
export type { Mount } from './gen/flotilla/Mount.js';
export type { RestartPolicy } from './gen/flotilla/RestartPolicy.js';
export type { RestartCondition } from './gen/flotilla/RestartCondition.js';
export type { Task } from './gen/flotilla/Task.js';
export type { Network } from './gen/flotilla/Network.js';
export type { NetworkSpec } from './gen/flotilla/NetworkSpec.js';
export type { NetworkAttachment } from './gen/flotilla/NetworkAttachment.js';
export type { Secret } from './gen/flotilla/Secret.js';
export type { SecretSpec } from './gen/flotilla/SecretSpec.js';
export type { Config } from './gen/flotilla/Config.js';
export type { ConfigSpec } from './gen/flotilla/ConfigSpec.js';
export type { FileReference } from './gen/flotilla/FileReference.js';
export type { DataKey } from './gen/flotilla/DataKey.js';
export type { TaskStatus } from './gen/flotilla/TaskStatus.js';
export type { TaskState } from './gen/flotilla/TaskState.js';
export type { Cluster } from './gen/flotilla/Cluster.js';
export type { JoinTokens } from './gen/flotilla/JoinTokens.js';
export type { NodeCertificate } from './gen/flotilla/NodeCertificate.js';
export type { RootCA } from './gen/flotilla/RootCA.js';
export type { StoreSnapshot } from './gen/flotilla/StoreSnapshot.js';
export type { StoreWrite } from './gen/flotilla/StoreWrite.js';
export type { StoreChange } from './gen/flotilla/StoreChange.js';
export type { Assignments } from './gen/flotilla/Assignments.js';
export type { SessionMessage } from './gen/flotilla/SessionMessage.js';
export type { TaskStatusUpdate } from './gen/flotilla/TaskStatusUpdate.js';
export { TaskState as TaskStates } from './gen/flotilla/TaskState.js';
export type { UpdateConfig } from './gen/flotilla/UpdateConfig.js';
export type { UpdateStatus } from './gen/flotilla/UpdateStatus.js';
export type { UpdateState } from './gen/flotilla/UpdateState.js';
export type { SpecVersion } from './gen/flotilla/SpecVersion.js';
export type { HealthCheck } from './gen/flotilla/HealthCheck.js';
export type { HealthState } from './gen/flotilla/HealthState.js';

/**
 * The longest a node's agent waits between attempts to open a session. A manager that has
 * just taken over waits at least this long (beyond the heartbeat grace) before it declares
 * nodes down, so that every agent has had its next try.
 */
export const SESSION_RETRY_MAX_MS = 5_000;

/** The image name that means "no image: run the command as a plain process on the node". */
export const HOST_IMAGE = 'host';
/** A named volume's name: Docker's rule, held by the API and by the node that makes it. */
export const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;

import { TaskState as TaskStateValues } from './gen/flotilla/TaskState.js';
import type { TaskState } from './gen/flotilla/TaskState.js';
import type { Task } from './gen/flotilla/Task.js';
import type { ServiceSpec } from './gen/flotilla/ServiceSpec.js';
import type { Placement } from './gen/flotilla/Placement.js';
import type { Mount } from './gen/flotilla/Mount.js';

const taskStateOrder = new Map<TaskState, number>(
  Object.keys(TaskStateValues).map((name, i) => [name as TaskState, i]),
);

/** The position of a task state in the life cycle; states only ever move forward. */
export function taskStateRank(state: TaskState): number {
  return taskStateOrder.get(state) ?? 0;
}

/** A task in this state has stopped for good (or will never start). */
export function isTerminal(state: TaskState): boolean {
  return taskStateRank(state) >= taskStateRank('COMPLETE');
}

/** Services whose tasks run to completion. */
export function isJob(spec: ServiceSpec | null | undefined): boolean {
  return spec?.mode === 'replicatedJob' || spec?.mode === 'globalJob';
}

/** A placement that asks nothing of the nodes (no constraints, spread), but for what `fields` set. */
export function placementWith(fields: Partial<Placement> = {}): Placement {
  return {
    constraints: [],
    preferences: [],
    maxReplicas: 0,
    strategy: 'SPREAD',
    affinities: [],
    antiAffinities: [],
    ...fields,
  };
}

/** A read-write volume mount with no source, target or driver, but for what `fields` set. */
export function mountWith(fields: Partial<Mount> = {}): Mount {
  return {
    type: 'volume',
    source: '',
    target: '',
    readOnly: false,
    volumeDriver: '',
    volumeOptions: {},
    ...fields,
  };
}

/** A task's name as people see it: service.slot, or service.node for the tasks of a global service. */
export function taskName(task: Task): string {
  return task.slot > 0 ? `${task.serviceName}.${task.slot}` : `${task.serviceName}.${task.nodeId}`;
}

/** The service label that opts a replicated service into rebalancing (a setting until the spec has a field). */
export const REBALANCE_LABEL = 'flotilla.rebalance';
