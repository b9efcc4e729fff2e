/** `cluster lab ...`: a cluster of several hosts on one machine, each host a network namespace. */
import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { invalidArgument } from '../../lib/errors.js';
import { daemonRunning } from '../../daemon/index.js';
import { signalNumber } from '../../runtime/driver-util.js';
import { parseCount, parseDuration, table } from '../format.js';
import { killHost, requireTools } from '../lab/hosts.js';
import { hostCommand, labDown, labUp, requireRoot, restartHost } from '../lab/lifecycle.js';
import { heal, parseSides, partition } from '../lab/partition.js';
import { checkLabName, labHost, listLabs, readLab, type Lab, type LabRuntime } from '../lab/state.js';

const NAME = ['--name <name>', 'the lab', 'lab1'] as const;

const progress = (line: string) => console.error(line);

function checkRuntime(value: string): LabRuntime {
  if (value !== 'process' && value !== 'containerd')
    throw invalidArgument('--runtime', 'process or containerd', value);
  return value;
}

function hostsLine(lab: Lab): string {
  return lab.hosts.map((h) => `${h.name} ${h.address}`).join(', ');
}

export function labCommands(program: Command, wantsJson: (o: { format?: string }) => boolean): void {
  const lab = program
    .command('lab')
    .description('a lab of several hosts on this machine, each a network namespace with a node (needs root)');

  lab
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

  lab
    .command('ls')
    .description('list the labs')
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: { format?: string }) => {
      const labs = await listLabs();
      if (wantsJson(o)) return console.log(JSON.stringify(labs, null, 2));
      const rows = labs.map((l) => [
        l.name,
        l.subnet,
        l.runtime,
        `${l.hosts.filter((h) => daemonRunning(h.dataDir)).length}/${l.hosts.length}`,
        Object.keys(l.cut).length > 0 ? 'yes' : 'no',
        l.dir,
      ]);
      console.log(table(['NAME', 'SUBNET', 'RUNTIME', 'NODES UP', 'PARTITIONED', 'DIR'], rows));
    });

  lab
    .command('exec')
    .description("run a command inside a host, with CLUSTER_DATA_DIR set to its node's data dir")
    .option(...NAME)
    .argument('<host>', 'm1, w1, ...')
    .argument('<cmd...>', 'the command (after --); `cluster` is this program')
    .passThroughOptions()
    .action(async (name: string, argv: string[], o: { name: string }) => {
      requireRoot();
      const cmd = argv[0] === '--' ? argv.slice(1) : argv;
      if (cmd.length === 0) throw invalidArgument('CMD', 'a command after --');
      const { argv: full, env } = hostCommand(labHost(await readLab(o.name), name), cmd);
      const [program, ...args] = full;
      const child = spawn(program, args, { stdio: 'inherit', env });
      process.exitCode = await new Promise<number>((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal ?? 'SIGKILL')));
      });
    });

  lab
    .command('partition')
    .description('drop the traffic between two groups of hosts (until `cluster lab heal`)')
    .option(...NAME)
    .argument('<groups...>', 'the hosts of each side, e.g. m1 / m2,m3')
    .action(async (groups: string[], o: { name: string }) => {
      requireRoot();
      await requireTools(['nft']);
      const l = await readLab(o.name);
      const [a, b] = parseSides(l, groups);
      await partition(l, a, b);
      progress(`lab ${l.name}: ${names(a)} cut off from ${names(b)}`);
    });

  lab
    .command('heal')
    .description('end every partition of the lab')
    .option(...NAME)
    .action(async (o: { name: string }) => {
      requireRoot();
      await requireTools(['nft']);
      const l = await readLab(o.name);
      await heal(l);
      progress(`lab ${l.name}: healed`);
    });

  lab
    .command('kill')
    .description('kill every process of a host, as if it lost power')
    .option(...NAME)
    .argument('<host>')
    .action(async (name: string, o: { name: string }) => {
      requireRoot();
      const l = await readLab(o.name);
      const host = labHost(l, name);
      await killHost(host);
      progress(`host ${host.name} ${host.address}: killed`);
    });

  lab
    .command('restart')
    .description('start a killed host again: its node from its data dir (and its containerd)')
    .option(...NAME)
    .argument('<host>')
    .action(async (name: string, o: { name: string }) => {
      requireRoot();
      const l = await readLab(o.name);
      await restartHost(l, labHost(l, name), progress);
    });

  lab
    .command('down')
    .description('kill every process of the lab and remove its hosts, network and dir')
    .option(...NAME)
    .action(async (o: { name: string }) => {
      requireRoot();
      const l = await readLab(o.name);
      await labDown(l);
      progress(`lab ${l.name}: down`);
    });
}

const names = (hosts: { name: string }[]) => hosts.map((h) => h.name).join(', ');
