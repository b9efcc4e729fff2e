/**
 * Live progress of a service converging after `service create`, `update` or `rollback`:
 * one line per slot (or node, for global services) with the version it moves from and to
 * and the state of its task, an overall n/N line, and at the end what happened: converged,
 * the update paused, or it was rolled back. A service has converged once its tasks have
 * stayed running for a while (see Steadiness), not when they first run: a command that
 * exits at once runs for a moment. A terminal gets the block redrawn in place; anything
 * else gets a line each time something changes.
 */
import { DEFAULT_UPDATE_CONFIG, isCurrent, updateInProgress } from '../proto/service-update.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { isTerminal, taskName, type Service, type Task } from '../proto/types.js';
import { formatDuration, titleCase } from './format.js';
import {
  SYSTEM_CLOCK,
  watchService,
  type Clock,
  type Recheck,
  type WatchedService,
} from './service-watch.js';

export type Outcome =
  'converged' | 'unplaceable' | 'awaiting-promotion' | 'paused' | 'rolled-back' | 'rollback-paused';

/** The exit code of a command that waited: 0 when it converged (or cannot place tasks yet). */
export const EXIT_CODES: Record<Outcome, number> = {
  converged: 0,
  unplaceable: 0,
  'awaiting-promotion': 0,
  paused: 3,
  'rolled-back': 4,
  'rollback-paused': 5,
};

interface UnitLine {
  key: string;
  text: string;
  /** Runs a task of the current spec. */
  done: boolean;
  /** The task it runs, when done. */
  taskId?: string;
}

const byCreation = (a: Task, b: Task) => (a.meta?.createdAt ?? 0) - (b.meta?.createdAt ?? 0);
const wanted = (t: Task) => t.desiredState === 'RUNNING';

function stateText(t: Task | undefined): string {
  // A slot the orchestrator has yet to make a task for: its task will be new.
  if (!t) return 'new';
  const state = t.status?.state ?? 'NEW';
  const health = t.status?.health;
  let text = titleCase(state).toLowerCase();
  if (health && health !== 'HEALTH_NONE')
    text += ` (${health === 'HEALTH_STARTING' ? 'health: starting' : health.toLowerCase()})`;
  if (t.status?.err && (state === 'FAILED' || state === 'REJECTED' || state === 'PENDING'))
    text += `: ${t.status.err}`;
  return text;
}

/**
 * From when a task that replaces one of another version is the work of what is followed: the
 * start of the update or rollback the command started (or found going on); for a command that
 * started none (a scale, a label), the moment it wrote the service, so that only an update or
 * rollback starting later (the failure action's) shows old → new, not the updates before it.
 */
function followedSince(written: Service): number {
  if (updateInProgress(written)) return written.updateStatus!.startedAt;
  return written.meta?.updatedAt || Infinity;
}

/**
 * One line per slot (or node): the version it runs (old → new when the update or rollback
 * followed replaced its task, see followedSince), and the newest task's state.
 */
function unitLines(service: Service, tasks: Task[], since: number): UnitLine[] {
  const groups = new Map<string, Task[]>();
  const replicated = service.spec?.mode === 'replicated';
  const replicas = service.spec?.replicated?.replicas ?? 0;
  if (replicated) for (let slot = 1; slot <= replicas; slot++) groups.set(String(slot), []);
  for (const t of tasks) {
    const key = replicated ? String(t.slot) : t.nodeId;
    if (!key || (replicated && t.slot > replicas)) continue;
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  const lines: UnitLine[] = [];
  for (const [key, history] of groups) {
    history.sort(byCreation);
    const live = history.filter((t) => wanted(t) && !isTerminal(t.status?.state ?? 'NEW'));
    if (!replicated && live.length === 0) continue;
    const newest = history.filter(wanted).at(-1) ?? history.at(-1);
    const status = service.updateStatus;
    const rolled =
      !!newest && !!status && status.startedAt >= since && (newest.meta?.createdAt ?? 0) >= status.startedAt;
    const before = rolled
      ? history.filter((t) => t !== newest && t.specVersion !== newest.specVersion).at(-1)
      : undefined;
    const version = `v${newest?.specVersion ?? service.specVersion}`;
    const versions = before ? `v${before.specVersion} → ${version}` : version;
    const name = newest ? taskName(newest) : `${service.spec?.name}.${key}`;
    const done =
      !!newest && newest.status?.state === 'RUNNING' && isCurrent(newest, service) && live.length === 1;
    lines.push({ key, text: `  ${name}  ${versions}  ${stateText(newest)}`, done, taskId: newest?.id });
  }
  return lines;
}

/** `verifyingMs`: the tasks all run, and must stay running this long before the service has converged. */
function headline(service: Service, lines: UnitLine[], verifyingMs?: number): string {
  const name = service.spec?.name ?? service.id;
  const n = lines.filter((l) => l.done).length;
  const status = service.updateStatus;
  const doing =
    verifyingMs !== undefined
      ? `verifying: waiting ${formatDuration(verifyingMs)} for tasks to stay running`
      : status?.state === 'UPDATING'
        ? status.awaitingPromotion
          ? `canaries running; waiting for \`cluster service promote ${name}\``
          : `updating to v${service.specVersion}`
        : status?.state === 'ROLLBACK_STARTED'
          ? `rolling back from v${status.fromVersion} as v${service.specVersion}`
          : 'converging';
  return `${name}: ${doing}: ${n}/${lines.length} running v${service.specVersion}`;
}

/**
 * The outcome, once there is one. `ours`: the spec version the command wrote; a rollback
 * that made another version rolled back what the command started. `desired`: the tasks the
 * service wants (0 replicas, or a global service no node is eligible for, wants none).
 */
function outcome(
  service: Service,
  tasks: Task[],
  lines: UnitLine[],
  ours: number,
  desired: number,
): Outcome | undefined {
  switch (service.updateStatus?.state) {
    case 'UPDATING':
      return service.updateStatus?.awaitingPromotion ? 'awaiting-promotion' : undefined;
    case 'ROLLBACK_STARTED':
      return undefined;
    case 'UPDATE_PAUSED':
      return 'paused';
    case 'ROLLBACK_PAUSED':
      return 'rollback-paused';
    default:
  }
  const status = service.updateStatus;
  const rolledBack = status?.state === 'ROLLBACK_COMPLETED' && status.toVersion !== ours;
  // No lines while tasks are wanted: a global service's tasks are not made yet.
  if ((lines.length > 0 || desired === 0) && lines.every((l) => l.done))
    return rolledBack ? 'rolled-back' : 'converged';
  const waiting = tasks.filter(
    (t) => wanted(t) && t.status?.state !== 'RUNNING' && !isTerminal(t.status?.state ?? 'NEW'),
  );
  if (waiting.length > 0 && waiting.every((t) => t.status?.state === 'PENDING' && t.status.err))
    return 'unplaceable';
  return undefined;
}

function ending(service: Service, result: Outcome, tasks: Task[]): string {
  const name = service.spec?.name ?? service.id;
  const message = service.updateStatus?.message ?? '';
  switch (result) {
    case 'converged':
      return `${name}: converged (v${service.specVersion})`;
    case 'awaiting-promotion':
      return (
        `${name}: the canaries of v${service.specVersion} run beside the old tasks; ` +
        `go on with \`cluster service promote ${name}\`, or \`cluster service rollback ${name}\``
      );
    case 'paused':
    case 'rollback-paused':
      return `${name}: ${message || 'paused'}`;
    case 'rolled-back':
      return `${name}: ${message || 'update rolled back'}; now at v${service.specVersion}`;
    case 'unplaceable': {
      const waiting = tasks.filter((t) => wanted(t) && t.status?.state === 'PENDING');
      return (
        `${name}: ${waiting.length} task${waiting.length === 1 ? '' : 's'} cannot be placed: ${waiting[0]?.status?.err}.\n` +
        'The service is saved; its tasks start when a node can run them (see `cluster service ps`).'
      );
    }
  }
}

/** Redraws a block of lines in place on a terminal, or prints what changed elsewhere. */
class Screen {
  private drawn = 0;
  private readonly printed = new Map<string, string>();

  constructor(private readonly out: NodeJS.WriteStream) {}

  show(head: string, lines: UnitLine[]): void {
    if (this.out.isTTY) {
      const block = [head, ...lines.map((l) => l.text)];
      // Back to the top of the last block, and clear it (it may have had more lines).
      if (this.drawn) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
      for (const line of block) this.out.write(`\x1b[2K${line}\n`);
      this.drawn = block.length;
      return;
    }
    for (const [key, text] of [...lines.map((l) => [l.key, l.text] as const), ['', head] as const]) {
      if (this.printed.get(key) === text) continue;
      this.printed.set(key, text);
      this.out.write(`${text}\n`);
    }
  }

  end(text: string): void {
    this.out.write(`${text}\n`);
  }
}

/**
 * How long tasks must stay running before the service has converged: the monitor period of
 * the policy that made them (the rollback policy's after a rollback), as Docker's CLI waits.
 */
export function stabilityWindowMs(service: Service): number {
  const spec = service.spec;
  const policy = service.updateStatus?.state === 'ROLLBACK_COMPLETED' ? spec?.rollback : spec?.update;
  return (policy ?? DEFAULT_UPDATE_CONFIG).monitorMs;
}

/**
 * Whether the running tasks have stayed running for the window. The window starts when every
 * slot (or node) runs a task of the current spec, and starts over when one of those tasks
 * fails or is replaced, that is when the set of running tasks is another.
 */
export class Steadiness {
  private watched: string | undefined;
  private since = 0;

  constructor(private readonly clock: Clock) {}

  /**
   * The time the tasks `running` (their ids; undefined: not all slots run one) must still
   * stay running: 0 once they have for `windowMs`; undefined while not all run.
   */
  left(running: string[] | undefined, windowMs: number): number | undefined {
    if (!running) {
      this.watched = undefined;
      return undefined;
    }
    const key = [...running].sort().join(',');
    if (key !== this.watched) {
      this.watched = key;
      this.since = this.clock.now();
    }
    return Math.max(0, this.since + windowMs - this.clock.now());
  }
}

/** Follows a service until it converges or its update stops; prints progress and says how it ended. */
export function followService(
  client: ControlClient,
  written: Service,
  opts: { out?: NodeJS.WriteStream; clock?: Clock } = {},
): Promise<Outcome> {
  const screen = new Screen(opts.out ?? process.stdout);
  const since = followedSince(written);
  const steady = new Steadiness(opts.clock ?? SYSTEM_CLOCK);
  const follow = ({ service, tasks, desiredTasks }: WatchedService, recheck: Recheck) => {
    const lines = unitLines(service, tasks, since);
    let result = outcome(service, tasks, lines, written.specVersion, desiredTasks);
    const running = lines.length > 0 && lines.every((l) => l.done) ? lines.map((l) => l.taskId!) : undefined;
    const windowMs = stabilityWindowMs(service);
    const left = steady.left(running, windowMs);
    // Tasks that all run but have not stayed running long enough: not converged yet.
    const verifying = (result === 'converged' || result === 'rolled-back') && !!left;
    if (verifying) {
      result = undefined;
      recheck(left);
    }
    screen.show(headline(service, lines, verifying ? windowMs : undefined), lines);
    if (result) screen.end(ending(service, result, tasks));
    return result;
  };
  return watchService(client, written.id, follow, opts.clock);
}
