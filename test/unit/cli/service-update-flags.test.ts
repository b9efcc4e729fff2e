/**
 * `cluster service update` flag by flag, through the command itself (commander parsing the
 * argv) against a fake manager: the spec sent must be the service's spec with exactly the
 * change the flag names, every other field as it was; bad input must be refused with the flag
 * named and nothing sent.
 */
import test from 'ava';
import { Command } from 'commander';
import { EventEmitter } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { updateCommands } from '../../../cli/commands/service/index.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { ServiceSpec } from '../../../proto/types.js';
import { makeService, makeSpec } from '../helpers.js';

/** A spec with every field the flags touch set to something other than its default. */
function richSpec(): ServiceSpec {
  const spec = makeSpec({ labels: { team: 'a' } }, 3);
  spec.endpoint = {
    ports: [{ targetPort: 80, publishedPort: 8080, protocol: 'TCP', mode: 'INGRESS' }],
    lb: 'ROUND_ROBIN',
    proxyProtocol: false,
    mesh: 'MESH_AUTO' as const,
  };
  Object.assign(spec.task!.container!, {
    image: 'registry.example:5000/web:1',
    env: ['A=1'],
    dir: '/srv',
    labels: { tier: 'web' },
    stopSignal: 'SIGINT',
    stopGracePeriodMs: 3000,
    user: 'app',
    hostname: 'web-{{.Task.Slot}}',
    mounts: [{ type: 'bind', source: '/data', target: '/data', readOnly: true }],
    capAdd: ['NET_ADMIN'],
    capDrop: ['MKNOD'],
  });
  spec.task!.restart = { condition: 'RESTART_ON_FAILURE', delayMs: 1000, maxAttempts: 3, windowMs: 60_000 };
  spec.task!.placement = {
    constraints: ['node.labels.zone==a'],
    preferences: [{ spread: 'node.labels.rack' }],
    maxReplicas: 2,
    strategy: 'SPREAD',
    affinities: ['service.name==db'],
    antiAffinities: [],
  };
  spec.task!.resources = {
    reservations: { nanoCpus: 5e8, memoryBytes: 2 ** 27, pids: 0 },
    generic: { gpu: 1 },
    limits: { nanoCpus: 1e9, memoryBytes: 2 ** 28, pids: 100 },
  };
  spec.task!.networks = ['id-of-front'];
  return spec;
}

/** A manager that knows one service and one network ("front"), and keeps the specs sent to it. */
function fakeManager(spec: ServiceSpec) {
  const sent: ServiceSpec[] = [];
  const service = makeService(spec);
  const answer =
    (reply: (req: never) => unknown) =>
    (req: never, _md: unknown, _opts: unknown, done: (err: unknown, res?: unknown) => void) => {
      setImmediate(() => {
        try {
          done(null, reply(req));
        } catch (err) {
          done(err);
        }
      });
      return new EventEmitter();
    };
  const client = {
    getChannel: () => ({ getTarget: () => 'dns:manager:4242' }),
    GetService: answer(() => ({ service })),
    GetNetwork: answer((req: { network: string }) => {
      if (req.network !== 'front')
        throw Object.assign(new Error('not found'), { code: 5, details: 'no network' });
      return { network: { id: 'id-of-front' } };
    }),
    UpdateService: answer((req: { spec: ServiceSpec }) => {
      sent.push(req.spec);
      return { service: { ...service, spec: req.spec } };
    }),
  } as unknown as ControlClient;
  return { client, sent };
}

/** Runs `cluster service update -d ARGS web`: the spec sent, or the error. */
async function update(args: string[], spec = richSpec()) {
  const { client, sent } = fakeManager(spec);
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  updateCommands(program.command('service'), () => client);
  try {
    await program.parseAsync(['service', 'update', '-d', ...args, 'web'], { from: 'user' });
    return { sent };
  } catch (err) {
    return { sent, error: err as Error };
  }
}

// The command prints the service's name; the tests run at once, so it is silenced for all of them.
const log = console.log;
test.before(() => {
  console.log = () => {};
});
test.after.always(() => {
  console.log = log;
});

test('no flags: the spec goes back exactly as it was (no new version)', async (t) => {
  const { sent, error } = await update([]);
  t.falsy(error, error?.message);
  t.deepEqual(sent, [richSpec()]);
});

type Spec = ServiceSpec & { task: NonNullable<ServiceSpec['task']> };
const CHANGES: [string[], (s: Spec) => void][] = [
  [
    ['--constraint-add', 'node.labels.zone==b'],
    (s) => s.task.placement!.constraints.push('node.labels.zone==b'),
  ],
  [['--constraint-rm', 'node.labels.zone == a'], (s) => (s.task.placement!.constraints = [])],
  [
    ['--placement-pref-add', 'spread=node.labels.dc'],
    (s) => s.task.placement!.preferences.push({ spread: 'node.labels.dc' }),
  ],
  [['--placement-pref-rm', 'spread=node.labels.rack'], (s) => (s.task.placement!.preferences = [])],
  [['--placement-strategy', 'binpack'], (s) => (s.task.placement!.strategy = 'BINPACK')],
  [['--affinity-rm', 'service.name==db'], (s) => (s.task.placement!.affinities = [])],
  [
    ['--anti-affinity-add', 'service.labels.kind==batch'],
    (s) => (s.task.placement!.antiAffinities = ['service.labels.kind==batch']),
  ],
  [['--replicas-max-per-node', '0'], (s) => (s.task.placement!.maxReplicas = 0)],
  [['--reserve-cpu', '1.5'], (s) => (s.task.resources!.reservations!.nanoCpus = 1.5e9)],
  [['--reserve-memory', '1G'], (s) => (s.task.resources!.reservations!.memoryBytes = 2 ** 30)],
  [
    ['--generic-resource-add', 'gpu=2', '--generic-resource-add', 'fpga=1'],
    (s) => (s.task.resources!.generic = { gpu: 2, fpga: 1 }),
  ],
  [['--generic-resource-rm', 'gpu'], (s) => (s.task.resources!.generic = {})],
  [['--limit-cpu', '2'], (s) => (s.task.resources!.limits!.nanoCpus = 2e9)],
  [['--limit-memory', '64M'], (s) => (s.task.resources!.limits!.memoryBytes = 64 * 2 ** 20)],
  [['--limit-pids', '0'], (s) => (s.task.resources!.limits!.pids = 0)],
  [
    ['--mount-add', 'type=tmpfs,target=/scratch'],
    (s) =>
      s.task.container!.mounts.push({
        type: 'tmpfs',
        source: '',
        target: '/scratch',
        readOnly: false,
        volumeDriver: '',
        volumeOptions: {},
      }),
  ],
  [
    ['--mount-add', 'type=bind,src=/other,dst=/data'],
    (s) =>
      (s.task.container!.mounts = [
        {
          type: 'bind',
          source: '/other',
          target: '/data',
          readOnly: false,
          volumeDriver: '',
          volumeOptions: {},
        },
      ]),
  ],
  [['--mount-rm', '/data'], (s) => (s.task.container!.mounts = [])],
  [['--restart-condition', 'any'], (s) => (s.task.restart!.condition = 'RESTART_ANY')],
  [['--restart-delay', '2s'], (s) => (s.task.restart!.delayMs = 2000)],
  [['--restart-max-attempts', '0'], (s) => (s.task.restart!.maxAttempts = 0)],
  [['--restart-window', '0'], (s) => (s.task.restart!.windowMs = 0)],
  [['--user', '1000:1000'], (s) => (s.task.container!.user = '1000:1000')],
  [['-u', ''], (s) => (s.task.container!.user = '')],
  [['--workdir', '/tmp'], (s) => (s.task.container!.dir = '/tmp')],
  [['-w', '/'], (s) => (s.task.container!.dir = '/')],
  [['--hostname', 'api'], (s) => (s.task.container!.hostname = 'api')],
  [['--stop-grace-period', '1m30s'], (s) => (s.task.container!.stopGracePeriodMs = 90_000)],
  [['--stop-signal', 'SIGQUIT'], (s) => (s.task.container!.stopSignal = 'SIGQUIT')],
  [
    ['--publish-add', 'published=9090,target=90,protocol=udp,mode=host'],
    (s) => s.endpoint!.ports.push({ targetPort: 90, publishedPort: 9090, protocol: 'UDP', mode: 'HOST' }),
  ],
  [['--publish-rm', '8080'], (s) => (s.endpoint!.ports = [])],
  [['--network-add', 'back'], (s) => s.task.networks.push('back')],
  [['--network-rm', 'front'], (s) => (s.task.networks = [])],
  [['--network-rm', 'id-of-front'], (s) => (s.task.networks = [])],
  [['--network-add', 'host'], (s) => (s.task.container!.hostNetwork = true)],
  [
    ['--cap-add', 'mknod'],
    (s) => {
      s.task.container!.capAdd = ['NET_ADMIN', 'mknod'];
      s.task.container!.capDrop = [];
    },
  ],
  [
    ['--cap-drop', 'NET_ADMIN'],
    (s) => {
      s.task.container!.capAdd = [];
      s.task.container!.capDrop = ['MKNOD', 'NET_ADMIN'];
    },
  ],
  [['--read-only'], (s) => (s.task.container!.readOnly = true)],
  [['--container-label-add', 'tier=api'], (s) => (s.task.container!.labels = { tier: 'api' })],
  [['--container-label-rm', 'tier'], (s) => (s.task.container!.labels = {})],
];

for (const [args, change] of CHANGES) {
  test(`${args.join(' ')}: that change alone`, async (t) => {
    const { sent, error } = await update(args);
    t.falsy(error, error?.message);
    const want = richSpec() as Spec;
    change(want);
    t.deepEqual(sent, [want]);
  });
}

test('--no-read-only undoes --read-only; limits all lifted leave the reservations', async (t) => {
  const spec = richSpec();
  spec.task!.container!.readOnly = true;
  t.false((await update(['--no-read-only'], spec)).sent[0]?.task?.container?.readOnly);
  const { sent } = await update(['--limit-cpu', '0', '--limit-memory', '0', '--limit-pids', '0']);
  t.deepEqual(sent[0]?.task?.resources, { ...richSpec().task!.resources!, limits: null });
});

test('reservations and limits added to a task that had none', async (t) => {
  const spec = richSpec();
  spec.task!.resources = null;
  const { sent } = await update(['--reserve-memory', '256M', '--limit-memory', '512M'], spec);
  t.deepEqual(sent[0]?.task?.resources, {
    reservations: { nanoCpus: 0, memoryBytes: 2 ** 28, pids: 0 },
    generic: {},
    limits: { nanoCpus: 0, memoryBytes: 2 ** 29, pids: 0 },
  });
});

test('--network-rm host and --network-add bridge return to the node bridge', async (t) => {
  const spec = richSpec();
  spec.task!.container!.hostNetwork = true;
  spec.task!.networks = [];
  t.false((await update(['--network-rm', 'host'], spec)).sent[0]?.task?.container?.hostNetwork);
  t.false((await update(['--network-add', 'bridge'], spec)).sent[0]?.task?.container?.hostNetwork);
});

test('--env-file adds its variables; --env-add wins over it', async (t) => {
  const dir = await mkdtemp(`${tmpdir()}/flotilla-env-file-`);
  await writeFile(`${dir}/env`, '# settings\nA=from-file\nB=2\n');
  const { sent } = await update(['--env-file', `${dir}/env`, '--env-add', 'B=3']);
  t.deepEqual(sent[0]?.task?.container?.env, ['A=from-file', 'B=3']);
});

test('--with-registry-auth sends the credentials for the new image', async (t) => {
  const dir = await mkdtemp(`${tmpdir()}/flotilla-docker-config-`);
  const auth = Buffer.from('me:pw').toString('base64');
  await writeFile(`${dir}/config.json`, JSON.stringify({ auths: { 'other.example': { auth } } }));
  const before = process.env.DOCKER_CONFIG;
  process.env.DOCKER_CONFIG = dir;
  try {
    const { sent, error } = await update(['--image', 'other.example/web:2', '--with-registry-auth']);
    t.falsy(error, error?.message);
    const sentAuth = sent[0]?.task?.container?.registryAuth ?? '';
    t.like(JSON.parse(Buffer.from(sentAuth, 'base64').toString('utf8')), { username: 'me', password: 'pw' });
  } finally {
    if (before === undefined) delete process.env.DOCKER_CONFIG;
    else process.env.DOCKER_CONFIG = before;
  }
});

const REFUSED: [string[], RegExp][] = [
  [
    ['--constraint-rm', 'node.labels.zone==z'],
    /invalid --constraint-rm: expected one of node\.labels\.zone==a/,
  ],
  [['--placement-pref-add', 'rack'], /invalid --placement-pref-add: expected spread=node\.labels\.KEY/],
  [
    ['--placement-pref-rm', 'spread=node.labels.dc'],
    /invalid --placement-pref-rm: expected one of node\.labels\.rack/,
  ],
  [['--placement-strategy', 'random'], /invalid --placement-strategy: expected spread or binpack/],
  [['--affinity-rm', 'service.name==web'], /invalid --affinity-rm: expected one of service\.name==db/],
  [['--anti-affinity-rm', 'x'], /invalid --anti-affinity-rm: expected one the service has \(it has none\)/],
  [['--replicas-max-per-node', '-1'], /invalid --replicas-max-per-node: expected a whole number/],
  [['--reserve-cpu', 'lots'], /invalid --reserve-cpu: expected a number of cores/],
  [['--reserve-memory', '1X'], /invalid --reserve-memory: expected a size such as 256M/],
  [['--generic-resource-add', 'gpu'], /invalid --generic-resource-add: expected KEY=N/],
  [['--generic-resource-rm', 'tpu'], /invalid --generic-resource-rm: expected one of gpu/],
  [['--limit-cpu', '-1'], /invalid --limit-cpu: expected a number of cores/],
  [['--limit-memory', 'lots'], /invalid --limit-memory: expected a size/],
  [['--limit-pids', 'many'], /invalid --limit-pids: expected a whole number/],
  [['--mount-add', 'type=bind,size=1'], /invalid --mount-add: expected type=, source=, target=/],
  [['--mount-rm', '/nope'], /invalid --mount-rm: expected one of \/data, got "\/nope"/],
  [['--restart-condition', 'sometimes'], /invalid --restart-condition: expected none, on-failure or any/],
  [['--restart-delay', 'soon'], /invalid --restart-delay: expected a duration/],
  [['--restart-max-attempts', 'x'], /invalid --restart-max-attempts: expected a whole number/],
  [['--restart-window', '5 minutes'], /invalid --restart-window: expected a duration/],
  [['--stop-grace-period', 'later'], /invalid --stop-grace-period: expected a duration/],
  [
    ['--publish-add', 'published=9090,target=90,mode=nat'],
    /invalid --publish-add mode: expected ingress or host/,
  ],
  [['--publish-add', 'published=9090'], /invalid --publish-add target: expected a port/],
  [['--publish-rm', '1234'], /invalid --publish-rm: expected a port the service publishes/],
  [['--network-rm', 'bridge'], /invalid --network-rm: expected an overlay network or host/],
  [['--network-rm', 'host'], /invalid --network-rm: expected host only when/],
  [['--network-rm', 'id-of-back'], /no network/],
  [['--container-label-add', '=x'], /invalid --container-label-add: expected KEY or KEY=VALUE/],
  [['--container-label-rm', 'nope'], /invalid --container-label-rm: expected one of tier/],
  [['--env-file', '/nonexistent/env'], /invalid --env-file: cannot read \/nonexistent\/env/],
];

for (const [args, message] of REFUSED) {
  test(`${args.join(' ')}: refused, nothing sent`, async (t) => {
    const { sent, error } = await update(args);
    t.regex(error?.message ?? 'no error', message);
    t.deepEqual(sent, []);
  });
}
