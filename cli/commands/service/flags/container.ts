/**
 * The flags that shape the container and how its task restarts: environment (with env
 * files), user, hostname, and the restart policy of `service create`; and those of `service
 * update` that change them and the other container settings (--workdir, --container-label-add,
 * --stop-signal, ...).
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { FlotillaError, invalidArgument } from '../../../../lib/errors.js';
import type { ContainerSpec, TaskSpec } from '../../../../proto/types.js';
import { collect, labels, parseCount, parseDuration } from '../../../format.js';
import { editMap } from './placement.js';

/** All optional: commander fills in the defaults, callers in code may leave them out. */
export interface ContainerOptions {
  env?: string[];
  envFile?: string[];
  user?: string;
  hostname?: string;
}

/**
 * One variable as Docker reads it from --env or an env file: KEY=VALUE as written (no quotes
 * removed), or a bare KEY that takes the value this CLI sees, left out when it has none.
 */
function variable(entry: string, env: NodeJS.ProcessEnv): [string, string] | undefined {
  const eq = entry.indexOf('=');
  if (eq >= 0) return [entry.slice(0, eq), entry.slice(eq + 1)];
  const value = env[entry];
  return value === undefined ? undefined : [entry, value];
}

/** The entries of an env file: one per line; blank lines and lines starting with `#` skipped. */
function readEnvFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FlotillaError(
      'INVALID_ARGUMENT',
      `invalid --env-file: cannot read ${path}: ${(err as Error).message}`,
    );
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trimStart())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The environment as KEY=VALUE, env files first and --env after: a later key wins. */
export function envFromFlags(o: ContainerOptions, env: NodeJS.ProcessEnv = process.env): string[] {
  const entries = [...(o.envFile ?? []).flatMap(readEnvFile), ...(o.env ?? [])];
  const vars = new Map(entries.map((e) => variable(e, env)).filter((kv) => kv !== undefined));
  return [...vars].map(([k, v]) => `${k}=${v}`);
}

export function containerFromFlags(o: ContainerOptions): Pick<ContainerSpec, 'env' | 'user' | 'hostname'> {
  return { env: envFromFlags(o), user: o.user ?? '', hostname: o.hostname ?? '' };
}

/** All optional: on update, an unset flag leaves the policy as it is. */
export interface RestartOptions {
  restartCondition?: string;
  restartDelay?: string;
  restartMaxAttempts?: string;
  restartWindow?: string;
}

type RestartPolicy = NonNullable<TaskSpec['restart']>;

const RESTART = { none: 'RESTART_NONE', 'on-failure': 'RESTART_ON_FAILURE', any: 'RESTART_ANY' } as const;

/** What a task without a restart policy does: restart whenever it stops, after 5s, forever. */
const DEFAULT_RESTART: RestartPolicy = {
  condition: 'RESTART_ANY',
  delayMs: 5_000,
  maxAttempts: 0,
  windowMs: 0,
};

/**
 * The restart policy with the --restart-* flags given applied over `current` (create: none,
 * so over the defaults); `current` itself when no flag is given.
 */
export function restartFromFlags(o: RestartOptions, current: RestartPolicy | null): RestartPolicy | null {
  const given = [o.restartCondition, o.restartDelay, o.restartMaxAttempts, o.restartWindow];
  if (given.every((v) => v === undefined)) return current;
  const base = current ?? DEFAULT_RESTART;
  let condition = base.condition;
  if (o.restartCondition !== undefined) {
    condition = RESTART[o.restartCondition as keyof typeof RESTART];
    if (!condition)
      throw invalidArgument('--restart-condition', 'none, on-failure or any', o.restartCondition);
  }
  return {
    condition,
    delayMs: o.restartDelay === undefined ? base.delayMs : parseDuration('--restart-delay', o.restartDelay),
    maxAttempts:
      o.restartMaxAttempts === undefined
        ? base.maxAttempts
        : parseCount('--restart-max-attempts', o.restartMaxAttempts),
    windowMs:
      o.restartWindow === undefined ? base.windowMs : parseDuration('--restart-window', o.restartWindow),
  };
}

/** All optional: an update changes only what its flags name. */
export interface ContainerUpdateOptions extends RestartOptions {
  user?: string;
  hostname?: string;
  workdir?: string;
  containerLabelAdd?: string[];
  containerLabelRm?: string[];
  stopSignal?: string;
  stopGracePeriod?: string;
}

/** Adds the container and restart flags of `service update` (no defaults: unset is unchanged). */
export function addContainerUpdateFlags(cmd: Command): Command {
  return cmd
    .option('-u, --user <user[:group]>', 'user to run the command as, by name or id ("": the default)')
    .option('--hostname <name>', 'container hostname (placeholders like {{.Task.Slot}} allowed; "": none)')
    .option('-w, --workdir <dir>', 'working directory of the command ("": the default)')
    .option('--container-label-add <KEY=VALUE>', 'add or change a container label (repeatable)', collect, [])
    .option('--container-label-rm <KEY>', 'remove a container label (repeatable)', collect, [])
    .option('--restart-condition <when>', 'none, on-failure or any')
    .option('--restart-delay <duration>', 'wait between restarts')
    .option('--restart-max-attempts <n>', 'give up after this many restarts (0: never)')
    .option('--restart-window <duration>', 'window over which restarts are counted (0: forever)')
    .option('--stop-signal <signal>', 'signal that stops a task ("": SIGTERM)')
    .option('--stop-grace-period <duration>', 'time to stop before the task is killed');
}

/** The container settings with the update flags applied; the others as they are. */
export function withContainerChanges(
  container: ContainerSpec,
  o: ContainerUpdateOptions,
): Pick<ContainerSpec, 'user' | 'hostname' | 'dir' | 'labels' | 'stopSignal' | 'stopGracePeriodMs'> {
  const labelsRm = o.containerLabelRm ?? [];
  const labelsAdd = o.containerLabelAdd ?? [];
  return {
    user: o.user ?? container.user,
    hostname: o.hostname ?? container.hostname,
    dir: o.workdir ?? container.dir,
    labels:
      labelsRm.length || labelsAdd.length
        ? editMap(
            '--container-label-rm',
            container.labels,
            labelsRm,
            labels('--container-label-add', labelsAdd),
          )
        : container.labels,
    stopSignal: o.stopSignal ?? container.stopSignal,
    stopGracePeriodMs:
      o.stopGracePeriod === undefined
        ? container.stopGracePeriodMs
        : parseDuration('--stop-grace-period', o.stopGracePeriod),
  };
}
