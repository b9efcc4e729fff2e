/** `cluster lab exec`: a command run inside a host, with CLUSTER_DATA_DIR set to its node's data dir. */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { invalidArgument } from '../../../lib/errors.js';
import { signalNumber } from '../../../runtime/driver-util.js';
import { hostCommand, requireRoot } from '../../lab/lifecycle.js';
import { labHost, readLab } from '../../lab/state.js';
import { NAME } from './options.js';

export function execCommand(lab: Command): Command {
  return lab
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
}
