/**
 * The listings' -q, --filter and --format, through the commands' own definitions: node ls,
 * node ps, network ls, secret ls, config ls.
 */
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { nodeCommands } from '../../../cli/commands/node/index.js';
import { networkCommands } from '../../../cli/commands/network/index.js';
import { secretCommands } from '../../../cli/commands/secret/index.js';
import type { NetworkInfo } from '../../../proto/gen/flotilla/NetworkInfo.js';
import type { Node, Secret } from '../../../proto/types.js';
import { makeNode, makeService, makeStatus, makeTask } from '../helpers.js';
import { runCommand, type Answers, type Register } from './cli-kit.js';

const nodes: Register = nodeCommands;
const networks: Register = networkCommands;
const secrets: Register = secretCommands;

function node(id: string, hostname: string, over: Partial<Node> = {}): Node {
  const n = makeNode({ id, ...over });
  n.description!.hostname = hostname;
  n.description!.version = '0.1.0';
  n.status = { state: 'READY', message: '', addr: `10.0.0.${hostname.length}:4240` } as Node['status'];
  return n;
}

const m1 = node('m1aaaaaaaaaaaaaaaaaaaaaaa', 'manager-1', {
  role: 'MANAGER',
  managerStatus: { leader: true, reachability: 'REACHABLE', addr: '' } as Node['managerStatus'],
});
m1.spec!.labels = { zone: 'a', ssd: '' };
const w1 = node('w1bbbbbbbbbbbbbbbbbbbbbbb', 'worker-1');
w1.spec!.labels = { zone: 'b' };
const w2 = node('w2ccccccccccccccccccccccc', 'worker-2');
const NODES = { ListNodes: { nodes: [w2, m1, w1] } };

const ls = async (register: Register, answers: Answers, ...args: string[]) =>
  (await runCommand(register, answers, args)).stdout;

test.serial('node ls: the default table, sorted by hostname', async (t) => {
  const out = await ls(nodes, NODES, 'node', 'ls');
  const lines = out.split('\n');
  t.regex(lines[0]!, /^ID\s+HOSTNAME\s+ADDRESS\s+STATUS\s+AVAILABILITY\s+MANAGER STATUS\s+ENGINE VERSION$/);
  t.regex(lines[1]!, /^m1aaaaaaaaaa\s+manager-1\s+\S+\s+Ready\s+Active\s+Leader\s+0\.1\.0$/);
  t.deepEqual(
    lines.slice(1).map((l) => l.split(/\s+/)[1]),
    ['manager-1', 'worker-1', 'worker-2'],
  );
});

test.serial('node ls -q: the full ids, one a line', async (t) => {
  t.is(await ls(nodes, NODES, 'node', 'ls', '-q'), [m1.id, w1.id, w2.id].join('\n'));
  t.is(await ls(nodes, NODES, 'node', 'ls', '--quiet', '--filter', 'role=worker'), [w1.id, w2.id].join('\n'));
});

test.serial(
  'node ls --filter: role, name (prefix), id (prefix), label=KEY and label=KEY=VALUE',
  async (t) => {
    const ids = (...filters: string[]) =>
      ls(nodes, NODES, 'node', 'ls', '-q', ...filters.flatMap((f) => ['--filter', f]));
    t.is(await ids('role=manager'), m1.id);
    t.is(await ids('name=worker'), [w1.id, w2.id].join('\n'));
    t.is(await ids('name=worker-2'), w2.id);
    t.is(await ids('id=w1b'), w1.id);
    t.is(await ids('label=zone'), [m1.id, w1.id].join('\n'));
    t.is(await ids('label=zone=b'), w1.id);
    t.is(await ids('label=ssd='), m1.id);
    t.is(await ids('label=ssd'), m1.id);
    // One key twice: either value; two keys: both.
    t.is(await ids('name=worker-1', 'name=worker-2'), [w1.id, w2.id].join('\n'));
    t.is(await ids('role=worker', 'label=zone'), w1.id);
    t.is(await ids('role=worker', 'name=manager'), '');
  },
);

test.serial('node ls -f is --filter', async (t) => {
  t.is(await ls(nodes, NODES, 'node', 'ls', '-q', '-f', 'role=manager'), m1.id);
});

for (const [filter, message] of [
  ['colour=red', /^invalid --filter: expected a key among id, name, label, role, got "colour"$/],
  ['role=boss', /^invalid --filter role: expected manager, worker, got "boss"$/],
  ['role', /^invalid --filter: expected KEY=VALUE, got "role"$/],
  ['=x', /^invalid --filter: expected KEY=VALUE/],
] as const) {
  test.serial(`node ls --filter ${filter} is refused before anything is asked`, async (t) => {
    const err = await t.throwsAsync(runCommand(nodes, {}, ['node', 'ls', '--filter', filter]));
    t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
    t.regex(err?.message ?? '', message);
  });
}

test.serial('node ls --format json: summary rows with the table fields, full ids', async (t) => {
  const rows = JSON.parse(await ls(nodes, NODES, 'node', 'ls', '--format', 'json')) as unknown[];
  t.deepEqual(rows[0], {
    ID: m1.id,
    Hostname: 'manager-1',
    Address: '10.0.0.9:4240',
    Status: 'Ready',
    Availability: 'Active',
    ManagerStatus: 'Leader',
    EngineVersion: '0.1.0',
  });
  t.is(rows.length, 3);
});

test.serial('node ls --format raw: the nodes whole, as the managers answer', async (t) => {
  const raw = JSON.parse(await ls(nodes, NODES, 'node', 'ls', '--format', 'raw', '-f', 'role=manager'));
  t.deepEqual(raw, [JSON.parse(JSON.stringify(m1))]);
});

test.serial('node ls --format TEMPLATE: a line per node; "table TEMPLATE" with a header', async (t) => {
  t.is(
    await ls(nodes, NODES, 'node', 'ls', '--format', '{{.Hostname}}: {{.Status}} {{lower .ManagerStatus}}'),
    'manager-1: Ready leader\nworker-1: Ready \nworker-2: Ready ',
  );
  t.is(
    await ls(
      nodes,
      NODES,
      'node',
      'ls',
      '--format',
      'table {{.Hostname}}\\t{{.Availability}}',
      '-f',
      'name=w',
    ),
    ['HOSTNAME   AVAILABILITY', 'worker-1   Active', 'worker-2   Active'].join('\n'),
  );
  t.is(
    await ls(nodes, NODES, 'node', 'ls', '--format', '{{json .ID}}', '-f', 'id=w2'),
    JSON.stringify(w2.id),
  );
});

test.serial('node ls --format with an unknown field names it and the fields there are', async (t) => {
  const err = await t.throwsAsync(runCommand(nodes, {}, ['node', 'ls', '--format', '{{.Name}}']));
  t.is(
    err?.message,
    'invalid --format: expected a field among .ID, .Hostname, .Address, .Status, .Availability, .ManagerStatus, .EngineVersion, got ".Name"',
  );
});

const web = makeService(undefined, 'svc-web');
const now = Date.now();
const tasks = [
  makeTask(web, {
    id: 'task-web-1-new-aaaaaaaaa',
    slot: 1,
    nodeId: w1.id,
    status: makeStatus('RUNNING', { timestamp: now }),
    meta: { version: 1, createdAt: 2, updatedAt: 2 },
  }),
  makeTask(web, {
    id: 'task-web-1-old-bbbbbbbbb',
    slot: 1,
    nodeId: w2.id,
    desiredState: 'SHUTDOWN',
    status: makeStatus('FAILED', { timestamp: now, err: 'exit code 1' }),
    meta: { version: 1, createdAt: 1, updatedAt: 1 },
  }),
  makeTask(web, {
    id: 'task-web-2-ccccccccccccc',
    slot: 2,
    nodeId: w2.id,
    status: makeStatus('RUNNING', { timestamp: now }),
  }),
];
tasks[2]!.endpoint = {
  ports: [
    { targetPort: 80, publishedPort: 8080, protocol: 'TCP', mode: 'HOST' },
    { targetPort: 81, publishedPort: 30001, protocol: 'TCP', mode: 'INGRESS' },
  ],
};
const TASKS = { ListTasks: { tasks, nodes: [m1, w1, w2] } };

test.serial('node ps: the tasks of the nodes named, history under the current task', async (t) => {
  const run = await runCommand(nodes, TASKS, ['node', 'ps', 'worker-1', 'worker-2']);
  t.deepEqual(run.requests.ListTasks, [
    { services: [], nodes: ['worker-1', 'worker-2'], limit: 1000, pageToken: '' },
  ]);
  const lines = run.stdout.split('\n');
  t.regex(lines[0]!, /^ID\s+NAME\s+NODE\s+DESIRED STATE\s+CURRENT STATE\s+ERROR$/);
  t.regex(lines[1]!, /^task-web-1-n\s+web\.1\s+worker-1\s+Running\s+Running less than a second ago$/);
  t.regex(lines[2]!, /^task-web-1-o\s+\\_ web\.1\s+worker-2\s+Shutdown\s+Failed .* ago\s+exit code 1$/);
  t.regex(lines[3]!, /^task-web-2-c\s+web\.2\s+worker-2/);
});

test.serial('node ps --filter: desired-state, name, node (hostname or id prefix), id', async (t) => {
  const ids = async (...filters: string[]) =>
    (await ls(nodes, TASKS, 'node', 'ps', 'w', '-q', ...filters.flatMap((f) => ['--filter', f]))).split('\n');
  const [current, old, second] = tasks.map((task) => task.id);
  t.deepEqual(await ids('desired-state=running'), [current, second]);
  t.deepEqual(await ids('desired-state=shutdown'), [old]);
  t.deepEqual(await ids('desired-state=accepted'), ['']);
  t.deepEqual(await ids('name=web.1'), [current, old]);
  t.deepEqual(await ids('node=worker-2'), [old, second]);
  t.deepEqual(await ids('node=w1bb'), [current]);
  t.deepEqual(await ids('node=worker-2', 'desired-state=running'), [second]);
  t.deepEqual(await ids('id=task-web-2'), [second]);
  const err = await t.throwsAsync(ls(nodes, TASKS, 'node', 'ps', 'w', '--filter', 'desired-state=done'));
  t.regex(err?.message ?? '', /expected running, shutdown, accepted, got "done"/);
  const key = await t.throwsAsync(ls(nodes, TASKS, 'node', 'ps', 'w', '--filter', 'role=worker'));
  t.regex(key?.message ?? '', /expected a key among id, name, node, desired-state, got "role"/);
});

test.serial('node ps --format json: rows with docker`s task fields; ports: the host-mode ones', async (t) => {
  const rows = JSON.parse(await ls(nodes, TASKS, 'node', 'ps', 'w', '--format', 'json')) as Record<
    string,
    string
  >[];
  t.deepEqual(rows[1], {
    ID: tasks[1]!.id,
    Name: 'web.1',
    Image: 'host',
    Node: 'worker-2',
    DesiredState: 'Shutdown',
    CurrentState: rows[1]!.CurrentState,
    Error: 'exit code 1',
    Ports: '',
  });
  t.regex(rows[1]!.CurrentState!, /^Failed .* ago$/);
  t.is(rows[2]!.Ports, 'host:8080->80/tcp');
  t.is(
    await ls(
      nodes,
      TASKS,
      'node',
      'ps',
      'w',
      '--format',
      '{{.Name}}@{{.Node}}',
      '-f',
      'desired-state=running',
    ),
    'web.1@worker-1\nweb.2@worker-2',
  );
  const raw = JSON.parse(await ls(nodes, TASKS, 'node', 'ps', 'w', '--format', 'raw', '-f', 'id=task-web-2'));
  t.deepEqual(raw, [JSON.parse(JSON.stringify(tasks[2]))]);
});

const info = (id: string, name: string, labels: Record<string, string>, services: string[]): NetworkInfo => ({
  network: {
    id,
    meta: null,
    spec: { name, driver: 'overlay', subnet: '10.214.1.0/24', labels },
  } as unknown as NetworkInfo['network'],
  services,
  attachedTasks: services.length * 2,
});
const NETS = {
  ListNetworks: {
    networks: [
      info('net-back-xxxxxxxxxxxx', 'backend', { env: 'prod' }, ['db']),
      info('net-front-yyyyyyyyyyy', 'frontend', {}, []),
    ],
  },
};

test.serial('network ls: table, -q, filters name/id/label, json rows, template, raw', async (t) => {
  const table = await ls(networks, NETS, 'network', 'ls');
  t.regex(
    table,
    /^ID\s+NAME\s+DRIVER\s+SUBNET\s+SERVICES\s+TASKS\nnet-back-xxx\s+backend\s+overlay\s+10\.214\.1\.0\/24\s+db\s+2\n/,
  );
  t.is(await ls(networks, NETS, 'network', 'ls', '-q'), 'net-back-xxxxxxxxxxxx\nnet-front-yyyyyyyyyyy');
  t.is(await ls(networks, NETS, 'network', 'ls', '-q', '-f', 'name=front'), 'net-front-yyyyyyyyyyy');
  t.is(await ls(networks, NETS, 'network', 'ls', '-q', '-f', 'id=net-b'), 'net-back-xxxxxxxxxxxx');
  t.is(await ls(networks, NETS, 'network', 'ls', '-q', '-f', 'label=env=prod'), 'net-back-xxxxxxxxxxxx');
  t.deepEqual(
    JSON.parse(await ls(networks, NETS, 'network', 'ls', '--format', 'json', '-f', 'name=backend')),
    [
      {
        ID: 'net-back-xxxxxxxxxxxx',
        Name: 'backend',
        Driver: 'overlay',
        Scope: 'swarm',
        Subnet: '10.214.1.0/24',
        Services: 'db',
        Tasks: '2',
      },
    ],
  );
  t.is(
    await ls(networks, NETS, 'network', 'ls', '--format', '{{.Name}} {{.Scope}}'),
    'backend swarm\nfrontend swarm',
  );
  const raw = JSON.parse(await ls(networks, NETS, 'network', 'ls', '--format', 'raw', '-f', 'name=backend'));
  t.deepEqual(raw[0].services, ['db']);
  const err = await t.throwsAsync(ls(networks, NETS, 'network', 'ls', '-f', 'driver=overlay'));
  t.regex(err?.message ?? '', /expected a key among id, name, label, got "driver"/);
});

const secret = (id: string, name: string, labels: Record<string, string>, createdAt: number): Secret =>
  ({
    id,
    meta: { version: 1, createdAt, updatedAt: createdAt + 60_000 },
    spec: { name, labels, data: Buffer.alloc(0) },
    sealed: Buffer.from('sealed'),
  }) as unknown as Secret;
const hourAgo = Date.now() - 3_600_000;
const SECRETS = {
  ListSecrets: {
    secrets: [
      { secret: secret('sec-tls-zzzzzzzzzzzzzzzz', 'tls_key', { env: 'prod' }, hourAgo), services: ['web'] },
      { secret: secret('sec-db-wwwwwwwwwwwwwwwww', 'db_password', {}, hourAgo), services: [] },
    ],
  },
  ListConfigs: {
    configs: [{ config: secret('cfg-nginx-vvvvvvvvvvvvvv', 'nginx_conf', {}, hourAgo), services: ['web'] }],
  },
};

test.serial('secret ls: table (services last), -q, filters, json rows without values', async (t) => {
  const table = (await ls(secrets, SECRETS, 'secret', 'ls')).split('\n');
  t.regex(table[0]!, /^ID\s+NAME\s+CREATED\s+UPDATED\s+SERVICES$/);
  t.regex(table[1]!, /^sec-db-wwwww\s+db_password\s+about an hour ago\s+\d+ minutes ago\s+-$/);
  t.regex(table[2]!, /^sec-tls-zzzz\s+tls_key\s+.* web$/);
  t.is(
    await ls(secrets, SECRETS, 'secret', 'ls', '-q'),
    'sec-db-wwwwwwwwwwwwwwwww\nsec-tls-zzzzzzzzzzzzzzzz',
  );
  t.is(await ls(secrets, SECRETS, 'secret', 'ls', '-q', '-f', 'label=env'), 'sec-tls-zzzzzzzzzzzzzzzz');
  t.is(
    await ls(secrets, SECRETS, 'secret', 'ls', '-q', '-f', 'name=db', '-f', 'name=tls'),
    'sec-db-wwwwwwwwwwwwwwwww\nsec-tls-zzzzzzzzzzzzzzzz',
  );
  t.is(await ls(secrets, SECRETS, 'secret', 'ls', '-q', '-f', 'id=sec-t'), 'sec-tls-zzzzzzzzzzzzzzzz');
  const [row] = JSON.parse(await ls(secrets, SECRETS, 'secret', 'ls', '--format', 'json', '-f', 'name=tls'));
  t.deepEqual(Object.keys(row), ['ID', 'Name', 'CreatedAt', 'UpdatedAt', 'Services']);
  t.is(row.CreatedAt, 'about an hour ago');
  const out = await ls(secrets, SECRETS, 'secret', 'ls', '--format', 'raw');
  t.false(out.includes('sealed'), 'no sealed value, even raw');
  t.is(JSON.parse(out)[0].secret.spec.name, 'db_password');
});

test.serial('config ls: the same listing over configs', async (t) => {
  t.is(await ls(secrets, SECRETS, 'config', 'ls', '--format', '{{.Name}} {{.Services}}'), 'nginx_conf web');
  t.is(await ls(secrets, SECRETS, 'config', 'ls', '-q', '-f', 'name=x'), '');
  t.is(await ls(secrets, SECRETS, 'config', 'ls', '--format', 'json', '-f', 'name=x'), '[]');
});
