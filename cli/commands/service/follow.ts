/**
 * Waiting on a service a command wrote: a service that keeps running is followed until it
 * converges or its update pauses or rolls back (`cli/update-progress.ts`); a job until its
 * tasks have all completed.
 */
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import { isTerminal, type Service } from '../../../proto/types.js';
import { watchService } from '../../service-watch.js';
import { EXIT_CODES, followService } from '../../update-progress.js';

/** Waits for the service with progress, and sets the exit code to say how it ended. */
export async function follow(client: ControlClient, written: Service): Promise<void> {
  const outcome = await followService(client, written);
  process.exitCode = EXIT_CODES[outcome];
}

export const EXIT_HELP =
  'Exit codes when waiting: 0 converged (the tasks stayed running for the update monitor period, 5s by default), 3 update paused, 4 update failed and was rolled back, 5 rollback paused.';

/**
 * Waits until a job's tasks have all completed, showing progress; stops early when no task
 * can be placed. (Services that keep running are followed by `cli/update-progress.ts`.)
 */
export async function converge(client: ControlClient, service: Service): Promise<void> {
  const name = service.spec?.name ?? service.id;
  const tty = process.stdout.isTTY;
  let last = '';
  await watchService(client, service.id, ({ tasks, desiredTasks: want }) => {
    const current = tasks.filter(
      (t) => t.desiredState === 'RUNNING' && !isTerminal(t.status?.state ?? 'NEW'),
    );
    const completed = tasks.filter((t) => t.status?.state === 'COMPLETE').length;
    const line = `${name}: ${completed}/${want} completed`;
    if (line !== last) {
      if (tty) process.stdout.write(`\r${line}`);
      else console.log(line);
      last = line;
    }
    if (completed >= want && current.length === 0) {
      console.log(tty ? `\r${line}: converged` : `${name}: converged`);
      return true;
    }
    const waiting = current.filter((t) => t.status?.state !== 'RUNNING');
    const stuck = waiting.length > 0 && waiting.every((t) => t.status?.state === 'PENDING' && t.status.err);
    if (!stuck) return undefined;
    if (tty) process.stdout.write('\n');
    console.log(
      `${name}: ${waiting.length} task${waiting.length === 1 ? '' : 's'} cannot be placed: ${waiting[0]?.status?.err}.`,
    );
    console.log(
      'The service is created; its tasks start when a node can run them (see `cluster service ps`).',
    );
    return true;
  });
}
