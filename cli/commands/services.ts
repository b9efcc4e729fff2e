/** `cluster service ...`: create, ls, ps, scale, inspect, rm (update and its kin: service-update.ts). */
import { Command } from 'commander';
import { FlotillaError, invalidArgument } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { call } from '../../proto/rpc.js';
import { isJob, isTerminal, type Service, type ServiceSpec } from '../../proto/types.js';
import { collect, labels, parseCount, parseDuration, printInspected } from '../format.js';
import { containerFromFlags, restartFromFlags, type ContainerOptions } from './container-flags.js';
import { addFileFlags, filesFromFlags, type FileOptions } from './file-flags.js';
import { placementFromFlags, type PlacementOptions } from './placement-flags.js';
import { follow, MODES, modeName, updateCommands } from './service-update.js';
import { addPolicyOptions, withPolicyFlags, type PolicyOptions } from './update-flags.js';
import { watchService } from '../service-watch.js';
import { prettyService } from '../inspect-view.js';
import { serviceListCommand } from '../service-listing.js';
import { taskListCommand } from '../task-listing.js';
import { endpointFromFlags, MESH_HELP, type PublishOptions } from './publish-flags.js';
import {
  addRuntimeFlags,
  overlayNetworksFromFlags,
  runtimeFromFlags,
  withLimits,
  type RuntimeOptions,
} from './runtime-flags.js';

type Connect = () => ControlClient;

// `stack ps` prints its tasks with it.

interface CreateOptions
  extends PlacementOptions, ContainerOptions, PolicyOptions, PublishOptions, RuntimeOptions, FileOptions {
  name: string;
  replicas?: string;
  mode?: string;
  maxConcurrent?: string;
  label: string[];
  containerLabel: string[];
  workdir?: string;
  restartCondition: string;
  restartDelay: string;
  restartMaxAttempts: string;
  restartWindow: string;
  stopSignal?: string;
  stopGracePeriod: string;
  detach?: boolean;
}

type ModeSpec = Pick<ServiceSpec, 'mode' | 'replicated' | 'global' | 'replicatedJob' | 'globalJob'>;

function modeFromFlags(o: CreateOptions): ModeSpec {
  const mode = MODES[(o.mode ?? 'replicated') as keyof typeof MODES];
  if (!mode) throw invalidArgument('--mode', 'replicated, global, replicated-job or global-job', o.mode);
  if (o.maxConcurrent !== undefined && mode !== 'replicatedJob') {
    throw invalidArgument('--max-concurrent', 'only with --mode replicated-job', o.maxConcurrent);
  }
  if (o.replicas !== undefined && (mode === 'global' || mode === 'globalJob')) {
    throw invalidArgument('--replicas', 'only with --mode replicated or replicated-job', o.replicas);
  }
  const replicas = parseCount('--replicas', o.replicas ?? '1');
  switch (mode) {
    case 'replicated':
      return { mode, replicated: { replicas } };
    case 'replicatedJob': {
      // As in Docker: --replicas is the total of completions, all at once unless limited.
      const max = o.maxConcurrent === undefined ? replicas : parseCount('--max-concurrent', o.maxConcurrent);
      return { mode, replicatedJob: { totalCompletions: replicas, maxConcurrent: max } };
    }
    case 'global':
      return { mode, global: {} };
    case 'globalJob':
      return { mode, globalJob: {} };
  }
}

/** The flag defaults of `service create` that specFromFlags needs (the others are optional). */
export const CREATE_DEFAULTS = {
  env: [] as string[],
  label: [] as string[],
  containerLabel: [] as string[],
  restartCondition: 'any',
  restartDelay: '5s',
  restartMaxAttempts: '0',
  restartWindow: '0',
  stopGracePeriod: '10s',
};

export function specFromFlags(image: string, command: string[], o: CreateOptions): ServiceSpec {
  const spec: ServiceSpec = {
    name: o.name,
    labels: labels('--label', o.label),
    ...modeFromFlags(o),
    update: null,
    rollback: null,
    task: {
      container: {
        image,
        command: [],
        args: command,
        ...filesFromFlags(o),
        dir: o.workdir ?? '',
        labels: labels('--container-label', o.containerLabel),
        stopSignal: o.stopSignal ?? '',
        stopGracePeriodMs: parseDuration('--stop-grace-period', o.stopGracePeriod),
        ...containerFromFlags(o),
        ...runtimeFromFlags(o, image),
        healthcheck: null,
      },
      restart: restartFromFlags(o, null),
      ...withLimits(o, placementFromFlags(o)),
      forceUpdate: 0,
      networks: overlayNetworksFromFlags(o),
    },
    ...endpointFromFlags(o),
  };
  return withPolicyFlags(spec, o);
}

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

export function serviceCommands(program: Command, connect: Connect): void {
  const service = program.command('service').description('manage services');

  const create = addFileFlags(addRuntimeFlags(service.command('create')))
    .description(
      'create a service: IMAGE [COMMAND] [ARG...]; the image "host" runs the command as a plain process',
    )
    .argument('<image>')
    .argument('[command...]')
    .passThroughOptions()
    .requiredOption('--name <name>', 'service name')
    .option('--mode <mode>', 'replicated, global, replicated-job or global-job', 'replicated')
    .option('--replicas <n>', 'number of tasks (replicated-job: completions in all) (default 1)')
    .option('--max-concurrent <n>', 'replicated-job: tasks run at once (default: --replicas)')
    .option(
      '-e, --env <KEY=VALUE>',
      'environment variable (repeatable; wins over --env-file)',
      collect,
      CREATE_DEFAULTS.env,
    )
    .option('--env-file <file>', 'file of KEY=VALUE lines (repeatable)', collect, [])
    .option('-u, --user <user[:group]>', 'user to run the command as, by name or id')
    .option('--hostname <name>', 'container hostname (placeholders like {{.Task.Slot}} allowed)')
    .option('--label <KEY=VALUE>', 'service label (repeatable)', collect, CREATE_DEFAULTS.label)
    .option(
      '--container-label <KEY=VALUE>',
      'container label (repeatable)',
      collect,
      CREATE_DEFAULTS.containerLabel,
    )
    .option('-w, --workdir <dir>', 'working directory of the command')
    .option('--restart-condition <when>', 'none, on-failure or any', CREATE_DEFAULTS.restartCondition)
    .option('--restart-delay <duration>', 'wait between restarts', CREATE_DEFAULTS.restartDelay)
    .option(
      '--restart-max-attempts <n>',
      'give up after this many restarts (0: never)',
      CREATE_DEFAULTS.restartMaxAttempts,
    )
    .option(
      '--restart-window <duration>',
      'window over which restarts are counted (0: forever)',
      CREATE_DEFAULTS.restartWindow,
    )
    .option('--stop-signal <signal>', 'signal that stops a task (default SIGTERM)')
    .option(
      '--stop-grace-period <duration>',
      'time to stop before the task is killed',
      CREATE_DEFAULTS.stopGracePeriod,
    )
    .option('--constraint <expr>', 'e.g. node.labels.zone==b (repeatable)', collect, [])
    .option('--placement-pref <pref>', 'spread=node.labels.KEY (repeatable, hierarchical)', collect, [])
    .option('--placement-strategy <strategy>', 'spread or binpack', 'spread')
    .option(
      '--affinity <expr>',
      'only on nodes running a task of service.name==NAME or service.labels.KEY==VALUE (repeatable)',
      collect,
      [],
    )
    .option(
      '--anti-affinity <expr>',
      'only on nodes running no task of service.name==NAME or service.labels.KEY==VALUE (repeatable)',
      collect,
      [],
    )
    .option('--replicas-max-per-node <n>', 'at most this many tasks on one node (0: no limit)', '0')
    .option('--reserve-cpu <cores>', 'cpu reserved per task, e.g. 0.5')
    .option('--reserve-memory <size>', 'memory reserved per task, e.g. 256M')
    .option('--generic-resource <KEY=N>', 'named resource per task, e.g. gpu=1 (repeatable)', collect, [])
    .option(
      '-p, --publish <port>',
      '[PUBLISHED:]TARGET[/udp] or published=,target=,protocol=,mode= (repeatable)',
      collect,
      [],
    )
    .option('--lb <mode>', 'how published ports spread connections: round-robin or least-conn')
    .option('--proxy-protocol', 'send tasks a PROXY protocol header with the client address')
    .option('--mesh <path>', MESH_HELP)
    .option(
      '-d, --detach',
      'return at once instead of waiting for the service to converge (its tasks running for --update-monitor, 5s by default)',
    )
    .action(async (image: string, command: string[], o: CreateOptions) => {
      const client = connect();
      const res = await call(client, client.CreateService, { spec: specFromFlags(image, command, o) });
      console.log(res.service?.id);
      if (o.detach || !res.service) return;
      if (isJob(res.service.spec)) await converge(client, res.service);
      else await follow(client, res.service);
    });
  addPolicyOptions(create);

  serviceListCommand(service.command('ls').description('list services'), connect);

  taskListCommand(
    service.command('ps').description('list the tasks of services').argument('<service...>'),
    connect,
    'services',
  );

  service
    .command('scale')
    .description('set the number of replicas: SERVICE=N ...')
    .argument('<service=replicas...>')
    .option('-d, --detach', 'return at once instead of waiting for convergence')
    .action(async (pairs: string[], o: { detach?: boolean }) => {
      const wanted = pairs.map((p) => {
        const [ref, n] = p.split('=');
        if (!ref || n === undefined) throw invalidArgument('scale', 'SERVICE=REPLICAS such as web=5', p);
        return { ref, replicas: parseCount(`replicas of ${ref}`, n) };
      });
      const client = connect();
      for (const { ref, replicas } of wanted) {
        const { service } = await call(client, client.GetService, { service: ref });
        if (!service?.spec) throw new FlotillaError('NOT_FOUND', `service ${ref} not found`);
        if (service.spec.mode !== 'replicated')
          throw new FlotillaError(
            'INVALID_ARGUMENT',
            `service ${ref} is in ${modeName(service.spec)} mode; only replicated services scale`,
          );
        const spec = { ...service.spec, replicated: { replicas } };
        const res = await call(client, client.UpdateService, {
          serviceId: service.id,
          version: service.meta?.version ?? 0,
          spec,
        });
        console.log(`${service.spec.name} scaled to ${replicas}`);
        if (!o.detach && res.service) await follow(client, res.service);
      }
    });

  updateCommands(service, connect);

  service
    .command('inspect')
    .description('show services in full, as JSON (times in ISO 8601), or as text with --pretty')
    .argument('<service...>')
    .option('--pretty', 'as text for people: mode, placement, policies, container spec, ports')
    .action(async (refs: string[], o: { pretty?: boolean }) => {
      const client = connect();
      const get = (service: string) => call(client, client.GetService, { service });
      if (!o.pretty) {
        return printInspected(refs, async (ref) => {
          const got = await get(ref);
          return { ...got.service, unplaced: got.unplaced };
        });
      }
      const views: string[] = [];
      for (const ref of refs) {
        const got = await get(ref);
        if (got.service) views.push(prettyService(got.service, got.unplaced));
      }
      console.log(views.join('\n\n'));
    });

  service
    .command('rm')
    .description('remove services (their tasks are stopped)')
    .argument('<service...>')
    .action(async (refs: string[]) => {
      const client = connect();
      for (const ref of refs) {
        await call(client, client.RemoveService, { service: ref });
        console.log(ref);
      }
    });
}
