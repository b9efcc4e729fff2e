/** `cluster stack ...`: deploy, ls, services, ps and rm of applications from Compose files. */
import type { Command } from 'commander';
import { FlotillaError } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { call } from '../../proto/rpc.js';
import { isJob, type ServiceSpec } from '../../proto/types.js';
import { collect, table } from '../format.js';
import { loadComposeFiles } from '../stack/compose-file.js';
import { checkStackName, NAMESPACE_LABEL, stackPlan } from '../stack/compose-to-spec.js';
import { deployStack, removeStack, stackServices } from '../stack/deploy.js';
import { printTasks } from './services.js';
import { portsColumn } from './publish-flags.js';

type Connect = () => ControlClient;
type Format = { format?: string };

const EXAMPLES = `
Examples:
  cluster stack deploy -c compose.yml shop
  cluster stack deploy -c compose.yml -c compose.prod.yml --prune shop
  cluster stack services shop
  cluster stack rm shop`;

function modeName(spec: ServiceSpec | null | undefined): string {
  const names: Record<string, string> = { replicatedJob: 'replicated-job', globalJob: 'global-job' };
  return names[spec?.mode ?? ''] ?? spec?.mode ?? '';
}

/** The stack's services; an error when it has none, as Docker says it. */
async function servicesOf(client: ControlClient, stack: string) {
  const services = await stackServices(client, stack);
  if (services.length === 0) throw new FlotillaError('NOT_FOUND', `nothing found in stack: ${stack}`);
  return services;
}

export function stackCommands(program: Command, connect: Connect, wantsJson: (o: Format) => boolean): void {
  const stack = program
    .command('stack')
    .description('manage stacks: services, networks, secrets and configs from Compose files')
    .addHelpText('after', EXAMPLES);

  stack
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
    .action(async (name: string, o: { composeFile: string[]; prune?: boolean }) => {
      checkStackName(name);
      const { model, baseDir, env } = loadComposeFiles(o.composeFile);
      const plan = await stackPlan(name, model, baseDir, env);
      for (const w of plan.warnings) console.error(`warning: ${w}`);
      if (plan.services.size === 0)
        throw new FlotillaError('INVALID_ARGUMENT', 'the Compose files have no services');
      await deployStack(connect(), plan, { prune: o.prune }, (line) => console.log(line));
    });

  stack
    .command('ls')
    .description('list stacks: the namespaces of services labelled ' + NAMESPACE_LABEL)
    .option('--format <format>', 'table or json', 'table')
    .action(async (o: Format) => {
      const json = wantsJson(o);
      const client = connect();
      const { services } = await call(client, client.ListServices, {});
      const counts = new Map<string, number>();
      for (const s of services) {
        const ns = s.service?.spec?.labels[NAMESPACE_LABEL];
        if (ns) counts.set(ns, (counts.get(ns) ?? 0) + 1);
      }
      const stacks = [...counts].sort(([a], [b]) => a.localeCompare(b));
      if (json)
        return console.log(
          JSON.stringify(
            stacks.map(([name, n]) => ({ name, services: n })),
            null,
            2,
          ),
        );
      console.log(
        table(
          ['NAME', 'SERVICES'],
          stacks.map(([name, n]) => [name, String(n)]),
        ),
      );
    });

  stack
    .command('services')
    .description('list the services of a stack, as `service ls`')
    .argument('<stack>')
    .option('--format <format>', 'table or json', 'table')
    .action(async (name: string, o: Format) => {
      const json = wantsJson(o);
      const services = await servicesOf(connect(), name);
      if (json) return console.log(JSON.stringify(services, null, 2));
      const rows = services
        .sort((a, b) => (a.service?.spec?.name ?? '').localeCompare(b.service?.spec?.name ?? ''))
        .map((s) => [
          s.service?.id.slice(0, 12) ?? '',
          s.service?.spec?.name ?? '',
          modeName(s.service?.spec),
          `${s.runningTasks}/${s.desiredTasks}${isJob(s.service?.spec) ? ' tasks' : ''}`,
          s.service?.spec?.task?.container?.image ?? '',
          portsColumn(s.service?.endpoint?.ports),
        ]);
      console.log(table(['ID', 'NAME', 'MODE', 'REPLICAS', 'IMAGE', 'PORTS'], rows));
    });

  stack
    .command('ps')
    .description('list the tasks of a stack, as `service ps`')
    .argument('<stack>')
    .option('--format <format>', 'table or json', 'table')
    .action(async (name: string, o: Format) => {
      const json = wantsJson(o);
      const client = connect();
      const ids = (await servicesOf(client, name)).map((s) => s.service!.id);
      printTasks(await call(client, client.ListTasks, { services: ids, nodes: [] }), json);
    });

  stack
    .command('rm')
    .description(
      "remove a stack: its services, then its networks, secrets and configs (waits until they're free)",
    )
    .argument('<stack...>')
    .action(async (names: string[]) => {
      const client = connect();
      for (const name of names) {
        const found = await removeStack(client, name, (line) => console.log(line));
        if (!found) throw new FlotillaError('NOT_FOUND', `nothing found in stack: ${name}`);
      }
    });
}
