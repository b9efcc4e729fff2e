/** `cluster service create`: a service from an image and flags; waits for it unless --detach. */
import type { Command } from 'commander';
import { call } from '../../../proto/rpc.js';
import { isJob } from '../../../proto/types.js';
import { collect } from '../../format.js';
import type { Connect } from '../types.js';
import { addFileFlags } from './flags/file.js';
import { addPolicyOptions } from './flags/policy.js';
import { addPlacementFlags } from './flags/placement.js';
import { addPublishFlags } from './flags/publish.js';
import { addRuntimeFlags } from './flags/runtime.js';
import { converge, follow } from './follow.js';
import { CREATE_DEFAULTS, specFromFlags, type CreateOptions } from './spec.js';

export function createCommand(service: Command, connect: Connect): Command {
  const create = addCreateOptions(addFileFlags(addRuntimeFlags(service.command('create'))))
    .description(
      'create a service: IMAGE [COMMAND] [ARG...]; the image "host" runs the command as a plain process',
    )
    .argument('<image>')
    .argument('[command...]')
    .passThroughOptions()
    .action(async (image: string, command: string[], o: CreateOptions) => {
      const client = connect();
      const res = await call(client, client.CreateService, { spec: specFromFlags(image, command, o) });
      console.log(res.service?.id);
      if (o.detach || !res.service) return;
      if (isJob(res.service.spec)) await converge(client, res.service);
      else await follow(client, res.service);
    });
  return addPolicyOptions(create);
}

/** Create's own flags, in the order its help lists them (placement and ports from their flag modules). */
function addCreateOptions(cmd: Command): Command {
  const service = cmd
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
    );
  return addPublishFlags(addPlacementFlags(service)).option(
    '-d, --detach',
    'return at once instead of waiting for the service to converge (its tasks running for --update-monitor, 5s by default)',
  );
}
