/**
 * A tiny stand-in for every worker at once, for tests that run the orchestrators and the
 * scheduler together: on a READY node, a task assigned to run starts RUNNING and a task
 * meant to stop stops; tasks on a node that is not ready stay as they are.
 */
import { silentLogger } from '../../../lib/log.js';
import { ControlLoop } from '../../../manager/control-loop.js';
import type { Store } from '../../../manager/store/types.js';
import { isTerminal, taskStateRank, type Task, type TaskState } from '../../../proto/types.js';

function next(t: Task): TaskState | undefined {
  const state = t.status?.state ?? 'NEW';
  if (isTerminal(state) || taskStateRank(state) < taskStateRank('ASSIGNED')) return undefined;
  if (taskStateRank(t.desiredState) > taskStateRank('RUNNING')) return 'SHUTDOWN';
  return state === 'RUNNING' ? undefined : 'RUNNING';
}

export class SimWorkers {
  private readonly loop: ControlLoop;

  constructor(private readonly store: Store) {
    this.loop = new ControlLoop(
      'sim-workers',
      store,
      { tables: ['tasks', 'nodes'] },
      { start: () => undefined, event: () => true, reconcile: () => this.step() },
      silentLogger(),
      1,
    );
  }

  run(signal: AbortSignal): Promise<void> {
    return this.loop.run(signal);
  }

  private async step(): Promise<void> {
    await this.store.update((tx) => {
      for (const t of tx.all('tasks')) {
        const state = next(t);
        if (!state || tx.get('nodes', t.nodeId)?.status?.state !== 'READY') continue;
        tx.update('tasks', { ...t, status: { ...t.status!, state, timestamp: Date.now() } });
      }
    });
  }
}
