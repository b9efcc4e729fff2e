/**
 * The flags of `service create` and `service update` that set how a service is updated and
 * rolled back (--update-*, --rollback-*), and its health check (--health-*). On update, only
 * the flags given change the service's current settings.
 */
import type { Command } from 'commander';
import { invalidArgument } from '../../../../lib/errors.js';
import { DEFAULT_UPDATE_CONFIG } from '../../../../proto/service-update.js';
import type { HealthCheck, ServiceSpec, UpdateConfig } from '../../../../proto/types.js';
import { parseCount, parseDuration } from '../../../format.js';

export interface PolicyOptions {
  updateParallelism?: string;
  updateDelay?: string;
  updateFailureAction?: string;
  updateMonitor?: string;
  updateMaxFailureRatio?: string;
  updateOrder?: string;
  updateTimeout?: string;
  updateCanary?: string;
  updateAutoPromote?: boolean;
  rollbackParallelism?: string;
  rollbackDelay?: string;
  rollbackFailureAction?: string;
  rollbackMonitor?: string;
  rollbackMaxFailureRatio?: string;
  rollbackOrder?: string;
  rollbackTimeout?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  /** false with --no-healthcheck. */
  healthcheck?: boolean;
}

const ACTIONS = {
  pause: 'FAILURE_PAUSE',
  continue: 'FAILURE_CONTINUE',
  rollback: 'FAILURE_ROLLBACK',
} as const;
const ORDERS = { 'stop-first': 'STOP_FIRST', 'start-first': 'START_FIRST' } as const;

const DEFAULT_HEALTH = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 };

/** Adds the update, rollback and health flags to a command (no commander defaults: unset means unchanged). */
export function addPolicyOptions(cmd: Command): Command {
  for (const kind of ['update', 'rollback'] as const) {
    const what = kind === 'update' ? 'an update' : 'a rollback';
    cmd
      .option(`--${kind}-parallelism <n>`, `tasks replaced at once in ${what} (0: all) (default 1)`)
      .option(`--${kind}-delay <duration>`, `wait between tasks in ${what} (default 0s)`)
      .option(
        `--${kind}-failure-action <action>`,
        `${kind === 'update' ? 'pause, continue or rollback' : 'pause or continue'} when tasks fail in ${what} (default pause)`,
      )
      .option(
        `--${kind}-monitor <duration>`,
        `a task failing this soon after it started counts as failed (default 5s)`,
      )
      .option(
        `--${kind}-max-failure-ratio <ratio>`,
        `share of tasks that may fail in ${what}, 0 to 1 (default 0)`,
      )
      .option(`--${kind}-order <order>`, `stop-first or start-first (default stop-first)`)
      .option(
        `--${kind}-timeout <duration>`,
        `pause ${what} whose new task has not run this long, saying why (default 10m)`,
      );
  }
  return cmd
    .option('--update-canary <n>', 'start N tasks of the new spec first, then wait for `service promote`')
    .option('--update-auto-promote', 'promote the canaries once they have run the monitor period')
    .option('--no-update-auto-promote', 'wait for `service promote` after the canaries')
    .option('--health-cmd <command>', 'health check, run with /bin/sh -c in the task (exit 0: healthy)')
    .option('--health-interval <duration>', 'time between checks (default 30s)')
    .option('--health-timeout <duration>', 'a check that takes longer fails (default 30s)')
    .option('--health-retries <n>', 'failures in a row that make a task unhealthy (default 3)')
    .option(
      '--health-start-period <duration>',
      'failures this soon after the start do not count (default 0s)',
    )
    .option('--no-healthcheck', 'no health check');
}

function choice<T extends string>(flag: string, table: Record<string, T>, value: string): T {
  const v = table[value];
  if (!v) throw invalidArgument(flag, Object.keys(table).join(', '), value);
  return v;
}

function ratio(flag: string, value: string): number {
  const r = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || r > 1) throw invalidArgument(flag, 'a number from 0 to 1', value);
  return r;
}

function policyFromFlags(
  kind: 'update' | 'rollback',
  o: PolicyOptions,
  current: UpdateConfig | null,
): UpdateConfig | null {
  const get = (name: string) => (o as Record<string, string | undefined>)[`${kind}${name}`];
  const flag = (name: string) => `--${kind}-${name}`;
  const given = [
    'Parallelism',
    'Delay',
    'FailureAction',
    'Monitor',
    'MaxFailureRatio',
    'Order',
    'Timeout',
  ].some((n) => get(n) !== undefined);
  const canary = kind === 'update' && (o.updateCanary !== undefined || o.updateAutoPromote !== undefined);
  if (!given && !canary) return current;
  const c = { ...(current ?? DEFAULT_UPDATE_CONFIG) };
  if (get('Parallelism') !== undefined) c.parallelism = parseCount(flag('parallelism'), get('Parallelism')!);
  if (get('Delay') !== undefined) c.delayMs = parseDuration(flag('delay'), get('Delay')!);
  if (get('Monitor') !== undefined) c.monitorMs = parseDuration(flag('monitor'), get('Monitor')!);
  if (get('Timeout') !== undefined) c.timeoutMs = parseDuration(flag('timeout'), get('Timeout')!);
  if (get('MaxFailureRatio') !== undefined)
    c.maxFailureRatio = ratio(flag('max-failure-ratio'), get('MaxFailureRatio')!);
  if (get('Order') !== undefined) c.order = choice(flag('order'), ORDERS, get('Order')!);
  if (get('FailureAction') !== undefined) {
    const actions = kind === 'update' ? ACTIONS : { pause: ACTIONS.pause, continue: ACTIONS.continue };
    c.failureAction = choice(flag('failure-action'), actions, get('FailureAction')!);
  }
  if (kind === 'update' && o.updateCanary !== undefined)
    c.canary = parseCount('--update-canary', o.updateCanary);
  if (kind === 'update' && o.updateAutoPromote !== undefined) c.autoPromote = o.updateAutoPromote;
  return c;
}

function healthFromFlags(o: PolicyOptions, current: HealthCheck | null): HealthCheck | null {
  if (o.healthcheck === false) {
    if (o.healthCmd !== undefined) throw invalidArgument('--no-healthcheck', 'not with --health-cmd');
    return null;
  }
  const tuned = [o.healthInterval, o.healthTimeout, o.healthRetries, o.healthStartPeriod].some(
    (v) => v !== undefined,
  );
  if (o.healthCmd === undefined && !tuned) return current;
  const base = current ?? { cmd: '', ...DEFAULT_HEALTH };
  const check: HealthCheck = {
    cmd: o.healthCmd ?? base.cmd,
    intervalMs: o.healthInterval ? parseDuration('--health-interval', o.healthInterval) : base.intervalMs,
    timeoutMs: o.healthTimeout ? parseDuration('--health-timeout', o.healthTimeout) : base.timeoutMs,
    retries: o.healthRetries ? parseCount('--health-retries', o.healthRetries) : base.retries,
    startPeriodMs: o.healthStartPeriod
      ? parseDuration('--health-start-period', o.healthStartPeriod)
      : base.startPeriodMs,
  };
  if (!check.cmd) throw invalidArgument('--health-cmd', 'a command (the other --health-* flags tune it)');
  return check;
}

/** The spec with the policy and health flags applied over what it has. */
export function withPolicyFlags(spec: ServiceSpec, o: PolicyOptions): ServiceSpec {
  const task = spec.task;
  const container = task?.container;
  return {
    ...spec,
    update: policyFromFlags('update', o, spec.update),
    rollback: policyFromFlags('rollback', o, spec.rollback),
    task:
      task && container
        ? { ...task, container: { ...container, healthcheck: healthFromFlags(o, container.healthcheck) } }
        : task,
  };
}
