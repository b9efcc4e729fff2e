/** `cluster node ...` and `cluster join-token`. */
import { Command } from 'commander';
import { describeError, FlotillaError, invalidArgument, isFlotillaError } from '../../lib/errors.js';
import type { ControlClient } from '../../proto/gen/flotilla/Control.js';
import { call } from '../../proto/rpc.js';
import type { Node, NodeAvailability } from '../../proto/types.js';
import { collect, parseDuration, printInspected, titleCase } from '../format.js';
import { describeCert, newKeyAndRequest } from '../../lib/pki.js';
import { writeTlsDir } from '../../daemon/index.js';
import {
  addListOptions,
  idFilter,
  labelFilter,
  listingPrinter,
  nameFilter,
  printListing,
  type Listing,
  type ListOptions,
} from '../listing.js';
import { prettyNode } from '../inspect-view.js';
import { taskListCommand } from '../task-listing.js';

/** `node ls`: its fields, filters and table. */
export const NODES: Listing<Node> = {
  columns: [
    { field: 'ID', header: 'ID', value: (n) => n.id, cell: (n) => n.id.slice(0, 12) },
    { field: 'Hostname', header: 'HOSTNAME', value: (n) => n.description?.hostname ?? '' },
    { field: 'Address', header: 'ADDRESS', value: (n) => n.status?.addr ?? '' },
    { field: 'Status', header: 'STATUS', value: (n) => titleCase(n.status?.state ?? 'UNKNOWN') },
    {
      field: 'Availability',
      header: 'AVAILABILITY',
      value: (n) => titleCase(n.spec?.availability ?? 'ACTIVE'),
    },
    { field: 'ManagerStatus', header: 'MANAGER STATUS', value: managerStatus },
    { field: 'EngineVersion', header: 'ENGINE VERSION', value: (n) => n.description?.version ?? '' },
  ],
  filters: {
    id: idFilter((n) => n.id),
    name: nameFilter((n) => n.description?.hostname ?? ''),
    label: labelFilter((n) => n.spec?.labels),
    role: { match: (n, role) => n.role === role.toUpperCase(), values: ['manager', 'worker'] },
  },
  id: (n) => n.id,
  raw: (n) => n,
};

/** Leader, Reachable or Unreachable, as the leader sees each manager; blank for workers. */
function managerStatus(n: Node): string {
  const m = n.managerStatus;
  if (!m) return '';
  if (m.leader) return 'Leader';
  return m.reachability === 'UNKNOWN' ? 'Unknown' : titleCase(m.reachability);
}

export function nodeCommands(program: Command, connect: () => ControlClient): void {
  caCommands(program, connect);
  const node = program.command('node').description('manage nodes');

  addListOptions(node.command('ls').description('list nodes'), NODES).action(async (o: ListOptions) => {
    const print = listingPrinter(NODES, o);
    const client = connect();
    const { nodes } = await call(client, client.ListNodes, {});
    const sorted = nodes.sort(
      (a, b) =>
        (a.description?.hostname ?? '').localeCompare(b.description?.hostname ?? '') ||
        a.id.localeCompare(b.id),
    );
    printListing(print(sorted));
  });

  node
    .command('inspect')
    .description('show nodes in full, as JSON (times in ISO 8601), or as text with --pretty')
    .argument('<node...>')
    .option('--pretty', 'as text for people: status, manager status, platform, resources, certificate')
    .action(async (refs: string[], o: { pretty?: boolean }) => {
      const client = connect();
      const get = async (node: string) => (await call(client, client.GetNode, { node })).node;
      if (!o.pretty) return printInspected(refs, get);
      const views: string[] = [];
      for (const ref of refs) {
        const node = await get(ref);
        if (node) views.push(prettyNode(node));
      }
      console.log(views.join('\n\n'));
    });

  for (const [verb, role] of [
    ['promote', 'MANAGER'],
    ['demote', 'WORKER'],
  ] as const) {
    node
      .command(verb)
      .description(verb === 'promote' ? 'make workers managers' : 'make managers workers')
      .argument('<node...>')
      .option('-d, --detach', 'return at once instead of waiting for the change')
      .action(async (refs: string[], o: { detach?: boolean }) => {
        const client = connect();
        for (const ref of refs) {
          const { node: n } = await call(client, client.GetNode, { node: ref });
          const name = n?.description?.hostname ?? ref;
          if (!n?.spec) continue;
          if (n.spec.desiredRole === role) {
            console.log(`${name} is already ${role === 'MANAGER' ? 'a manager' : 'a worker'}`);
            continue;
          }
          await call(client, client.UpdateNode, {
            nodeId: n.id,
            version: n.meta?.version ?? 0,
            spec: { ...n.spec, desiredRole: role },
          });
          if (!o.detach) await waitForRole(client, n.id, name, role);
          console.log(`${name} ${verb}d to ${role === 'MANAGER' ? 'manager' : 'worker'}`);
        }
      });
  }

  node
    .command('update')
    .description("change a node's availability or labels")
    .argument('<node>')
    .option(
      '--availability <availability>',
      'active, pause (no new tasks) or drain (its tasks move elsewhere)',
    )
    .option('--label-add <KEY=VALUE>', 'add or change a label (repeatable)', collect, [])
    .option('--label-rm <KEY>', 'remove a label (repeatable)', collect, [])
    .action(async (ref: string, o: { availability?: string; labelAdd: string[]; labelRm: string[] }) => {
      const availability = o.availability === undefined ? undefined : parseAvailability(o.availability);
      const client = connect();
      const { node: n } = await call(client, client.GetNode, { node: ref });
      if (!n?.spec) throw new FlotillaError('NOT_FOUND', `node ${ref} not found`);
      const labels = { ...n.spec.labels };
      for (const kv of o.labelAdd) {
        const eq = kv.indexOf('=');
        if (eq < 1) throw invalidArgument('--label-add', 'KEY=VALUE', kv);
        labels[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
      for (const key of o.labelRm) delete labels[key];
      await call(client, client.UpdateNode, {
        nodeId: n.id,
        version: n.meta?.version ?? 0,
        spec: { ...n.spec, availability: availability ?? n.spec.availability, labels },
      });
      console.log(n.description?.hostname ?? ref);
    });

  taskListCommand(
    node.command('ps').description('list the tasks on nodes').argument('<node...>'),
    connect,
    'nodes',
  );

  node
    .command('rm')
    .description('remove nodes from the cluster (down ones, or any worker with --force)')
    .argument('<node...>')
    .option('-f, --force', 'remove a node that is still up; its tasks move elsewhere')
    .action(async (refs: string[], o: { force?: boolean }) => {
      const client = connect();
      for (const ref of refs) {
        await call(client, client.RemoveNode, { node: ref, force: o.force ?? false });
        console.log(ref);
      }
    });

  program
    .command('join-token')
    .description('print the command that joins a node to this cluster')
    .argument('<role>', 'worker or manager')
    .option('-q, --quiet', 'print the token only')
    .option('--rotate', 'replace the token: the old one is refused from now on (joined nodes are unaffected)')
    .action(async (role: string, o: { quiet?: boolean; rotate?: boolean }) => {
      if (role !== 'worker' && role !== 'manager') throw invalidArgument('role', 'worker or manager', role);
      const client = connect();
      const { tokens } = o.rotate
        ? await call(client, client.RotateJoinToken, { role: role === 'worker' ? 'WORKER' : 'MANAGER' })
        : await call(client, client.GetJoinTokens, {});
      if (o.rotate && !o.quiet)
        console.log(`The ${role} join token was rotated: the old one is refused from now on.\n`);
      const { nodes } = await call(client, client.ListNodes, {});
      const token = role === 'worker' ? tokens?.worker : tokens?.manager;
      if (o.quiet) return console.log(token);
      const addr = nodes.find((n) => n.role === 'MANAGER')?.status?.addr ?? 'MANAGER_ADDR';
      console.log(`To add a ${role} to this cluster, run:\n\n    cluster join --token ${token} ${addr}\n`);
    });
}

/** `cluster ca`: the cluster's certificate authority, as its users meet it. */
function caCommands(program: Command, connect: () => ControlClient): void {
  const ca = program
    .command('ca')
    .description("the cluster's certificate authority")
    .option(
      '--rotate',
      'move the cluster to a new root CA: every node gets a certificate of it, without downtime',
    )
    .option('-d, --detach', 'with --rotate: return at once instead of showing the nodes move')
    .action(async (o: { rotate?: boolean; detach?: boolean }) => {
      if (!o.rotate) return ca.help();
      const client = connect();
      const { digest } = await call(client, client.RotateCA, {});
      console.log(`Rotating to a new root CA (${digest.slice(0, 12)}…); the join tokens now name it.`);
      if (!o.detach) await followRotation(client, digest);
    });
  ca.command('issue-client')
    .description('make an admin client certificate, for a CLI on another machine (--host with --cert-path)')
    .requiredOption('--out <dir>', 'where to write ca.pem, cert.pem and key.pem (made 0700)')
    .option('--expiry <duration>', "how long it is valid (default: the cluster's node certificate expiry)")
    .action(async (o: { out: string; expiry?: string }) => {
      const expiryMs = o.expiry === undefined ? 0 : parseDuration('--expiry', o.expiry);
      const client = connect();
      // The key is made here and never leaves this machine; the managers sign its request.
      const { key, csr } = await newKeyAndRequest();
      const issued = await call(client, client.IssueClientCertificate, { csr, expiryMs });
      await writeTlsDir(o.out, { ...issued, key });
      const { id, expiresAtMs } = describeCert(issued.cert);
      console.log(`Wrote the client certificate ${id} (valid until ${new Date(expiresAtMs).toISOString()}) to ${o.out}.
Use it with: CLUSTER_HOST=MANAGER_ADDR CLUSTER_CERT_PATH=${o.out} cluster service ls`);
    });
}

/** Shows the nodes move to the new root until all have, naming those that are down. */
async function followRotation(client: ControlClient, digest: string): Promise<void> {
  let said = '';
  for (;;) {
    const { nodes } = await call(client, client.ListNodes, {});
    const moved = nodes.filter((n) => n.certificate?.caDigest === digest).length;
    const down = nodes.filter((n) => n.certificate?.caDigest !== digest && n.status?.state === 'DOWN');
    const line = `rotating the CA: ${moved}/${nodes.length} nodes hold a certificate of the new root${
      down.length
        ? ` (down, will move when back: ${down.map((n) => n.description?.hostname ?? n.id).join(', ')})`
        : ''
    }`;
    if (line !== said) console.log((said = line));
    if (moved === nodes.length) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  console.log(
    'The rotation is complete: only the new root is trusted. Client certificates made before it (`cluster ca issue-client`) are refused from now on; make new ones.',
  );
}

/** Waits until the node runs in its new role, saying what it waits for. */
/** Errors that a moment later may be gone: no leader yet, a manager restarting. */
const TRANSIENT = ['NO_QUORUM', 'NOT_LEADER', 'UNAVAILABLE', 'TIMEOUT'] as const;

async function waitForRole(
  client: ControlClient,
  id: string,
  name: string,
  role: Node['role'],
): Promise<void> {
  const deadline = Date.now() + 60_000;
  let said = false;
  for (;;) {
    let n: Node | null | undefined;
    let state: string;
    try {
      n = (await call(client, client.GetNode, { node: id })).node;
      state = n?.status?.state ?? 'unknown';
    } catch (err) {
      // The change itself moves the group (a leader hands over, a member leaves): an answer
      // may have to wait for the election it causes.
      if (!TRANSIENT.some((code) => isFlotillaError(err, code))) throw err;
      state = `not known: ${describeError(err)}`;
    }
    const ready = role === 'WORKER' ? n?.role === 'WORKER' : n?.managerStatus?.reachability === 'REACHABLE';
    if (ready) return;
    if (Date.now() > deadline) {
      throw new FlotillaError(
        'TIMEOUT',
        `${name} has not taken its new role within a minute (its state: ${state}); it changes once the node is up and heartbeating. Check \`cluster node ls\`.`,
      );
    }
    if (!said)
      console.error(`waiting for ${name} to restart as a ${role === 'MANAGER' ? 'manager' : 'worker'}...`);
    said = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const AVAILABILITY = { active: 'ACTIVE', pause: 'PAUSE', drain: 'DRAIN' } as const;

function parseAvailability(value: string): NodeAvailability {
  const a = AVAILABILITY[value as keyof typeof AVAILABILITY];
  if (!a) throw invalidArgument('--availability', 'active, pause or drain', value);
  return a;
}
