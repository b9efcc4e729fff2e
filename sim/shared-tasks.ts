/**
 * How the simulated nodes keep the tasks they hold (the agent's TaskKeeper): as the managers'
 * store keeps its own, the tasks of one service version share one frozen spec (and endpoint),
 * their short strings are kept once, and the status and meta the managers sent are dropped
 * (the runner reads the state once, as the task arrives). One keeper for every node of the
 * process: a million tasks held across thousands of nodes then hold a spec per service
 * version, not one each (a task as decoded held about 1.9 KB of the 3.4 KB a simulated task cost).
 */
import { frozenCopy } from '../manager/store/frozen-copy.js';
import { SharedStrings, SharedValues } from '../manager/store/shared-values.js';
import type { Task } from '../proto/types.js';
import type { TaskKeeper } from '../worker/agent.js';

function sharedKey(task: Task, field: 'spec' | 'endpoint'): string {
  return `${field} ${task.serviceId} ${task.specVersion}`;
}

export class SharedTasks implements TaskKeeper {
  private readonly shared = new SharedValues();
  private readonly words = new SharedStrings();

  keep(task: Task): Task {
    const { shared, words } = this;
    return frozenCopy(task, {
      serviceId: words.take(task.serviceId),
      serviceName: words.take(task.serviceName),
      nodeId: words.take(task.nodeId),
      spec: task.spec && shared.take(sharedKey(task, 'spec'), task.spec),
      endpoint: task.endpoint && shared.take(sharedKey(task, 'endpoint'), task.endpoint),
      status: null,
      meta: null,
    });
  }

  release(task: Task): void {
    this.shared.release(sharedKey(task, 'spec'), task.spec);
    this.shared.release(sharedKey(task, 'endpoint'), task.endpoint);
  }
}
