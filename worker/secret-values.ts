/**
 * The values of secrets and configs a node holds, by id, as the dispatcher sends them with
 * assignments: kept only while a task the agent holds refers to them, never written anywhere
 * (the tasks' files on a tmpfs aside, see secret-files.ts) and never logged.
 */
import type { Assignments, Task } from '../proto/types.js';
import { references } from './secret-files.js';

export class SecretValues {
  private readonly values = new Map<string, Buffer>();

  /** The values an assignments message carries; a COMPLETE one carries every value still needed. */
  receive(message: Pick<Assignments, 'kind' | 'values'>): void {
    if (message.kind === 'COMPLETE') this.values.clear();
    for (const { id, data } of message.values) this.values.set(id, data);
  }

  /** The values of a task's references that the node has (the runner fails on a missing one). */
  forTask(task: Task): Map<string, Buffer> {
    const found = new Map<string, Buffer>();
    for (const id of valueIds(task)) {
      const value = this.values.get(id);
      if (value) found.set(id, value);
    }
    return found;
  }

  /** Forgets the values that none of `tasks` (every task the agent holds) refers to. */
  retain(tasks: Iterable<Task>): void {
    const used = new Set<string>();
    for (const task of tasks) for (const id of valueIds(task)) used.add(id);
    for (const id of this.values.keys()) if (!used.has(id)) this.values.delete(id);
  }
}

/** The ids of the values a task uses: its secrets and configs, and its registry credentials. */
function valueIds(task: Task): string[] {
  const registry = task.spec?.container?.registryAuthSecret;
  return [...references(task).map(({ ref }) => ref.id), ...(registry ? [registry] : [])];
}
