/** `cluster lab up`: the hosts made, and a cluster started on them. */
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';
import { parseCount, parseDuration } from '../../format.js';
import { labUp, requireRoot } from '../../lab/lifecycle.js';
import { checkLabName, type Lab, type LabRuntime } from '../../lab/state.js';
import { NAME, progress } from './options.js';

function checkRuntime(value: string): LabRuntime {
  if (value !== 'process' && value !== 'containerd')
    throw invalidArgument('--runtime', 'process or containerd', value);
  return value;
}

function hostsLine(lab: Lab): string {
  return lab.hosts.map((h) => `${h.name} ${h.address}`).join(', ');
}

export function upCommand(lab: Command): Command {
  return lab
    .command('up')
    .description(
      'make the hosts and start a cluster on them: `cluster init` on m1, `cluster join` on the others',
    )
    .option(...NAME)
    .option('--managers <n>', 'manager hosts m1, m2, ...', '1')
    .option('--workers <n>', 'worker hosts w1, w2, ...', '2')
    .option('--runtime <runtime>', 'process, or containerd (a private containerd per host)', 'process')
    .option('--dispatcher-heartbeat <duration>', 'the cluster’s heartbeat period (default: cluster init’s)')
    .option('--dir <dir>', 'where the hosts keep their data dirs (default: /var/lib/flotilla-lab/NAME)')
    .action(
      async (o: {
        name: string;
        managers: string;
        workers: string;
        runtime: string;
        dispatcherHeartbeat?: string;
        dir?: string;
      }) => {
        requireRoot();
        const managers = parseCount('--managers', o.managers, 50);
        const workers = parseCount('--workers', o.workers, 200);
        if (managers < 1) throw invalidArgument('--managers', 'at least 1', o.managers);
        if (o.dispatcherHeartbeat !== undefined)
          parseDuration('--dispatcher-heartbeat', o.dispatcherHeartbeat);
        const up = await labUp(
          {
            name: checkLabName(o.name),
            managers,
            workers,
            runtime: checkRuntime(o.runtime),
            dispatcherHeartbeat: o.dispatcherHeartbeat,
            dir: o.dir,
          },
          progress,
        );
        console.log(`Lab ${up.name} is up: ${hostsLine(up)}.

Run commands inside a host, e.g.:

    cluster lab exec --name ${up.name} m1 -- cluster node ls`);
      },
    );
}
