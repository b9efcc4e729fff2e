/** `cluster stack ...`: deploy, ls, services, ps and rm of applications from Compose files. */
import type { Command } from 'commander';
import { FlotillaError } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { call } from '../../proto/rpc.js';
import { isJob } from '../../proto/types.js';
import { collect, parseDuration } from '../format.js';
import {
  addListOptions,
  listingPrinter,
  nameFilter,
  printListing,
  type Listing,
  type ListOptions,
} from '../listing.js';
import { SERVICES } from '../service-listing.js';
import { loadComposeFiles } from '../stack/compose-file.js';
import { checkStackName, NAMESPACE_LABEL, stackPlan } from '../stack/compose-to-spec.js';
import { deployStack, removeStack, stackServices } from '../stack/deploy.js';
import { waitForServices, WAIT_HELP } from '../stack/wait.js';
import { TASKS, taskItems } from '../task-listing.js';

type Connect = () => ControlClient;

const EXAMPLES = `
Examples:
  cluster stack deploy -c compose.yml shop
  cluster stack deploy -c compose.yml -c compose.prod.yml --prune shop
  cluster stack deploy -d -c compose.yml shop      # without waiting for the services
  cluster stack services shop
  cluster stack rm shop`;

interface DeployOptions {
  composeFile: string[];
  prune?: boolean;
  detach?: boolean;
  timeout: string;
}

interface StackItem {
  name: string;
  services: number;
}

const STACKS: Listing<StackItem> = {
  columns: [
    { field: 'Name', header: 'NAME', value: (i) => i.name },
    { field: 'Services', header: 'SERVICES', value: (i) => String(i.services) },
  ],
  filters: { name: nameFilter((i) => i.name) },
  id: (i) => i.name,
  raw: (i) => i,
};

/** The stack's services; an error when it has none, as Docker says it. */
async function servicesOf(client: ControlClient, stack: string) {
  const services = await stackServices(client, stack);
  if (services.length === 0) throw new FlotillaError('NOT_FOUND', `nothing found in stack: ${stack}`);
  return services;
}

export function stackCommands(program: Command, connect: Connect): void {
  const stack = program
    .command('stack')
    .description('manage stacks: services, networks, named volumes, secrets and configs from Compose files')
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

  addListOptions(
    stack.command('ls').description(`list stacks: the namespaces of services labelled ${NAMESPACE_LABEL}`),
    STACKS,
  ).action(async (o: ListOptions) => {
    const print = listingPrinter(STACKS, o);
    const client = connect();
    const { services } = await call(client, client.ListServices, {});
    const counts = new Map<string, number>();
    for (const s of services) {
      const ns = s.service?.spec?.labels[NAMESPACE_LABEL];
      if (ns) counts.set(ns, (counts.get(ns) ?? 0) + 1);
    }
    const items = [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => ({ name, services: n }));
    printListing(print(items));
  });

  addListOptions(
    stack
      .command('services')
      .description('list the services of a stack, as `service ls`')
      .argument('<stack>'),
    SERVICES,
  ).action(async (name: string, o: ListOptions) => {
    const print = listingPrinter(SERVICES, o);
    const client = connect();
    const services = await servicesOf(client, name);
    const completed = new Map<string, number>();
    if (services.some((s) => isJob(s.service?.spec))) {
      const ids = services.map((s) => s.service!.id);
      const { tasks } = await call(client, client.ListTasks, { services: ids, nodes: [] });
      for (const t of tasks) {
        if (t.status?.state === 'COMPLETE') completed.set(t.serviceId, (completed.get(t.serviceId) ?? 0) + 1);
      }
    }
    const items = services
      .sort((a, b) => (a.service?.spec?.name ?? '').localeCompare(b.service?.spec?.name ?? ''))
      .map((summary) => ({ summary, completed: completed.get(summary.service?.id ?? '') ?? 0 }));
    printListing(print(items));
  });

  addListOptions(
    stack.command('ps').description('list the tasks of a stack, as `service ps`').argument('<stack>'),
    TASKS,
  ).action(async (name: string, o: ListOptions) => {
    const print = listingPrinter(TASKS, o);
    const client = connect();
    const ids = (await servicesOf(client, name)).map((s) => s.service!.id);
    const { tasks, nodes } = await call(client, client.ListTasks, { services: ids, nodes: [] });
    printListing(print(taskItems(tasks, nodes, Date.now())));
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
