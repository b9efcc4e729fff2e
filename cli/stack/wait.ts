/**
 * A deploy that waits: the services it created or updated followed one after another with the
 * progress `service create` and `service update` show (they converge together; each is
 * followed until it has), and an exit code that says how the stack ended. Unlike a single
 * service, a stack whose tasks cannot be placed has not converged: that is a failure here, as
 * is the time limit running out (tasks that keep failing never converge).
 */
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { isJob, type Service } from '../../proto/types.js';
import { converge } from '../commands/service/follow.js';
import { formatDuration } from '../format.js';
import type { Clock } from '../service-watch.js';
import { EXIT_CODES, followService, type Outcome } from '../update-progress.js';

/** The exit code of a stack that did not converge: tasks that cannot be placed, or the time ran out. */
export const NOT_CONVERGED = 1;

export const WAIT_HELP =
  'Unless --detach, waits for the created and updated services to converge (their tasks running for the update monitor period, 5s by default). Exit codes then: 0 converged, ' +
  `${NOT_CONVERGED} tasks cannot be placed or --timeout ran out, ${EXIT_CODES.paused} an update paused, ` +
  `${EXIT_CODES['rolled-back']} an update failed and was rolled back, ${EXIT_CODES['rollback-paused']} a rollback paused (the highest of them).`;

const codeOf = (outcome: Outcome) => (outcome === 'unplaceable' ? NOT_CONVERGED : EXIT_CODES[outcome]);

/**
 * Follows the services until each converges or stops, or `timeoutMs` passes (0: no limit),
 * printing their progress and what did not converge to `opts.out`. Resolves with the exit code.
 */
export async function waitForServices(
  client: ControlClient,
  services: Service[],
  timeoutMs: number,
  opts: { out?: NodeJS.WriteStream; clock?: Clock } = {},
): Promise<number> {
  const out = opts.out ?? process.stdout;
  const left = services.map((s) => s.spec?.name ?? s.id);
  let code = 0;
  const followAll = async () => {
    for (const service of services) {
      if (isJob(service.spec)) await converge(client, service);
      else code = Math.max(code, codeOf(await followService(client, service, { out, clock: opts.clock })));
      left.shift();
    }
    return true;
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    if (timeoutMs > 0) timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const following = followAll();
  // Once the time is up, a watch that fails afterwards has nobody to tell.
  following.catch(() => undefined);
  try {
    if (await Promise.race([following, timeout])) return code;
  } finally {
    clearTimeout(timer);
  }
  const [current, ...rest] = left;
  out.write(
    `${current}: not converged after ${formatDuration(timeoutMs)} (its tasks' states are above; see \`cluster service ps ${current}\`)` +
      `${rest.length ? `; not waited for: ${rest.join(', ')}` : ''}\n`,
  );
  return Math.max(code, NOT_CONVERGED);
}
