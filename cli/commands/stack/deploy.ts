/** `cluster stack deploy`: Compose files checked, then deployed; waits for the services unless --detach. */
import type { Command } from 'commander';
import { FlotillaError } from '../../../lib/errors.js';
import { collect, parseDuration } from '../../format.js';
import { loadComposeFiles } from '../../stack/compose-file.js';
import { checkStackName, stackPlan } from '../../stack/compose-to-spec.js';
import { deployStack } from '../../stack/deploy.js';
import { waitForServices, WAIT_HELP } from '../../stack/wait.js';
import type { Connect } from '../types.js';

interface DeployOptions {
  composeFile: string[];
  prune?: boolean;
  detach?: boolean;
  timeout: string;
}

export function deployCommand(stack: Command, connect: Connect): Command {
  return stack
    .command('deploy')
    .description(
      'create or update a stack from Compose files: new services are created, changed ones updated (rolling), unchanged ones left alone',
    )
    .argument('<stack>')
    .requiredOption(
      '-c, --compose-file <file>',
      'a Compose file (repeatable: later files override earlier ones)',
      collect,
      [],
    )
    .option('--prune', 'remove the services of the stack that the files no longer have')
    .option('-d, --detach', 'return once the services are written instead of waiting for them to converge')
    .option('--timeout <duration>', 'stop waiting after this long (0: no limit)', '10m')
    .addHelpText('after', `\n${WAIT_HELP}`)
    .action(async (name: string, o: DeployOptions) => {
      checkStackName(name);
      const timeoutMs = parseDuration('--timeout', o.timeout);
      const { model, baseDir, env } = loadComposeFiles(o.composeFile);
      const plan = await stackPlan(name, model, baseDir, env);
      for (const w of plan.warnings) console.error(`warning: ${w}`);
      if (plan.services.size === 0)
        throw new FlotillaError('INVALID_ARGUMENT', 'the Compose files have no services');
      const client = connect();
      const log = (line: string) => console.log(line);
      const written = await deployStack(client, plan, { prune: o.prune }, log);
      if (o.detach || written.length === 0) return;
      process.exitCode = await waitForServices(client, written, timeoutMs);
    });
}
