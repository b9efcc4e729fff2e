/**
 * What must hold once a chaos run has healed: every manager's own copy of the services agrees
 * and holds every acknowledged create exactly once, the services' tasks converge, and on every
 * host no task runs twice in a slot nor outlives its task.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { processAlive, paths } from '../daemon/data-dir.js';
import { describeError } from '../lib/errors.js';
import type { ControlClient } from '../proto/gen/flotilla/Control.js';
import { call } from '../proto/rpc.js';
import type { Service, Task } from '../proto/types.js';
import { ContainerFiles } from '../runtime/process/container-files.js';
import { eventually } from '../test/integration/cluster-harness.js';
import { LABEL_SERVICE, LABEL_SLOT, LABEL_TASK } from '../worker/task-runner.js';
import { cutOff, reconnect } from '../cli/lab/hosts.js';
import type { Lab, LabHost } from '../cli/lab/state.js';
import type { Operation } from './history.js';
import type { ServiceInput, ServiceOutput } from './models.js';

type ServiceOp = Operation<ServiceInput, ServiceOutput>;

/** A service as a manager's copy holds it, for comparing copies. */
const summary = (s: Service) =>
  JSON.stringify({
    id: s.id,
    version: s.meta?.version,
    labels: s.spec?.labels,
    replicas: s.spec?.replicated?.replicas,
  });

/**
 * Each manager's own copy of the services, read while every manager is cut off from every other
 * host (so that none can answer but from itself: `staleControls` accept such reads). Each copy
 * must hold `marker`, a service written once the cluster healed: a copy without it had not
 * caught up, and the managers are joined again for a while before the next try.
 */
export async function ownCopies(
  lab: Lab,
  managers: LabHost[],
  staleControls: (host: LabHost) => ControlClient,
  marker: string,
): Promise<Map<string, Service[]>> {
  const others = (host: LabHost) => lab.hosts.filter((h) => h !== host).map((h) => h.address);
  for (let attempt = 1; ; attempt++) {
    const copies = new Map<string, Service[]>();
    try {
      for (const host of managers) await cutOff(host, others(host));
      for (const host of managers) {
        const c = staleControls(host);
        const { services } = await eventually(
          `${host.name}'s own copy`,
          () => call(c, c.ListServices, {}, 5_000),
          30_000,
        );
        copies.set(
          host.name,
          services.map((s) => s.service!),
        );
      }
    } finally {
      for (const host of managers) await reconnect(host);
    }
    const behind = [...copies].filter(([, services]) => !services.some((s) => s.spec?.name === marker));
    if (behind.length === 0 || attempt === 5) return copies;
    await delay(3_000);
  }
}

/** Violations in the managers' copies: disagreement, a name twice, an acknowledged create lost. */
export function checkCopies(
  copies: Map<string, Service[]>,
  history: readonly ServiceOp[],
  marker: string,
): string[] {
  const violations: string[] = [];
  const [first, ...rest] = [...copies];
  if (!first) return ['no manager copy was read'];
  const byName = (services: Service[]) => new Map(services.map((s) => [s.spec?.name ?? '', summary(s)]));
  for (const [host, services] of copies) {
    if (!services.some((s) => s.spec?.name === marker))
      violations.push(`${host}'s copy never caught up (no ${marker})`);
    const counts = new Map<string, number>();
    for (const s of services) counts.set(s.spec?.name ?? '', (counts.get(s.spec?.name ?? '') ?? 0) + 1);
    for (const [name, n] of counts) if (n > 1) violations.push(`${host} holds ${n} services named ${name}`);
  }
  const reference = byName(first[1]);
  for (const [host, services] of rest) {
    const mine = byName(services);
    for (const name of new Set([...reference.keys(), ...mine.keys()])) {
      if (reference.get(name) !== mine.get(name)) {
        violations.push(
          `${first[0]} and ${host} disagree on ${name}: ${reference.get(name) ?? 'absent'} / ${mine.get(name) ?? 'absent'}`,
        );
      }
    }
  }
  for (const name of mustExist(history)) {
    for (const [host, services] of copies) {
      if (!services.some((s) => s.spec?.name === name))
        violations.push(`${name} was acknowledged and never removed, but ${host}'s copy lacks it`);
    }
  }
  return violations;
}

/**
 * The services that must exist: an acknowledged create or update, and no remove invoked after
 * it (whatever became of that remove).
 */
function mustExist(history: readonly ServiceOp[]): Set<string> {
  const names = new Set<string>();
  for (const op of history) {
    const out = op.outcome.type === 'ok' ? op.outcome.output.kind : undefined;
    if (out !== 'created' && out !== 'updated') continue;
    const removedAfter = history.some(
      (r) =>
        r.input.kind === 'remove' &&
        r.input.service === op.input.service &&
        r.outcome.type !== 'fail' &&
        r.complete > op.invoke,
    );
    if (!removedAfter) names.add(op.input.service);
  }
  return names;
}

/** Waits until every service runs the tasks it wants; violations name those that do not. */
export async function checkConvergence(control: ControlClient, timeoutMs: number): Promise<string[]> {
  try {
    await eventually(
      'every service converged',
      async () => {
        const { services } = await call(control, control.ListServices, {}, 5_000);
        const off = services.filter((s) => s.runningTasks !== s.desiredTasks);
        if (off.length === 0) return true;
        throw new Error(
          off.map((s) => `${s.service?.spec?.name} ${s.runningTasks}/${s.desiredTasks}`).join(', '),
        );
      },
      timeoutMs,
    );
    return [];
  } catch (err) {
    return [describeError(err)];
  }
}

interface TaskProcess {
  host: string;
  taskId: string;
  serviceId: string;
  slot: string;
}

/** The task processes that run on a host (the process runtime's containers, by their labels). */
async function taskProcesses(host: LabHost): Promise<TaskProcess[]> {
  const root = paths(host.dataDir).processRuntime;
  const found: TaskProcess[] = [];
  for (const id of await readdir(root).catch(() => [] as string[])) {
    const files = new ContainerFiles(join(root, id));
    const [spec, pid] = await Promise.all([files.readSpec().catch(() => undefined), files.readPid()]);
    if (!spec || !pid || !processAlive(pid.pid)) continue;
    const labels = spec.labels ?? {};
    found.push({
      host: host.name,
      taskId: labels[LABEL_TASK] ?? id,
      serviceId: labels[LABEL_SERVICE] ?? '',
      slot: labels[LABEL_SLOT] ?? '',
    });
  }
  return found;
}

/**
 * No slot of a replicated service has two task processes, and every task process belongs to a
 * task meant to run. Given `timeoutMs` to settle: a task the managers stopped takes a moment to
 * end on its host.
 */
export async function checkTaskProcesses(
  lab: Lab,
  control: ControlClient,
  timeoutMs: number,
): Promise<string[]> {
  let violations: string[] = [];
  const deadline = Date.now() + timeoutMs;
  do {
    const { tasks } = await call(control, control.ListTasks, {}, 10_000);
    const byId = new Map<string, Task>(tasks.map((t) => [t.id, t]));
    const running = (await Promise.all(lab.hosts.map(taskProcesses))).flat();
    violations = [];
    const slots = new Map<string, TaskProcess[]>();
    for (const p of running) {
      const task = byId.get(p.taskId);
      if (!task || task.desiredState !== 'RUNNING')
        violations.push(
          `task ${p.taskId} runs on ${p.host} but is ${task ? `meant to be ${task.desiredState}` : 'not in the store'}`,
        );
      const key = `${p.serviceId}.${p.slot}`;
      slots.set(key, [...(slots.get(key) ?? []), p]);
    }
    for (const [key, ps] of slots) {
      if (ps.length > 1)
        violations.push(
          `slot ${key} runs ${ps.length} tasks: ${ps.map((p) => `${p.taskId} on ${p.host}`).join(', ')}`,
        );
    }
    if (violations.length === 0) return [];
    await delay(1_000);
  } while (Date.now() < deadline);
  return violations;
}
