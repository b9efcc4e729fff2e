/** Compose keys to ServiceSpec fields, one by one, and the warnings and errors of what does not map. */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadComposeFiles } from '../../../cli/stack/compose-file.js';
import { checkStackName, shellWords, stackPlan, type StackPlan } from '../../../cli/stack/compose-to-spec.js';
import { normalised, sameSpec } from '../../../cli/stack/deploy.js';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/stack/full/', import.meta.url));
const NS = { 'com.docker.stack.namespace': 'shop' };

async function planOf(paths: string[], env: NodeJS.ProcessEnv = {}): Promise<StackPlan> {
  const { model, baseDir } = loadComposeFiles(paths, env);
  return stackPlan('shop', model, baseDir, env);
}

/** The plan of one compose text, written to a file `c.yml` in a directory of its own. */
async function planOfText(text: string, env: NodeJS.ProcessEnv = {}): Promise<StackPlan> {
  const dir = mkdtempSync(join(tmpdir(), 'stack-'));
  writeFileSync(join(dir, 'c.yml'), text);
  return planOf([join(dir, 'c.yml')], env);
}

const full = () => planOf([join(fixtures, 'compose.yml')], { FROM_SHELL: 'sh' });

test('image, command, entrypoint, environment and env_file', async (t) => {
  const web = (await full()).services.get('shop_web')!;
  const c = web.task!.container!;
  t.is(web.name, 'shop_web');
  t.is(c.image, 'flotilla/httpd:1.2');
  t.deepEqual(c.args, ['httpd', '-f', '-p', '8080']);
  t.deepEqual(c.command, ['/bin/sh', '-c']);
  // env_file first, environment over it; a bare key takes the deploying shell's value.
  t.deepEqual(c.env, ['FROM_FILE=1', 'GREETING=hello $USER', 'FROM_SHELL=sh', 'TIER=backend', 'REGION=us']);
  t.is(c.dir, '/srv');
  t.is(c.user, '1000:1000');
  t.is(c.hostname, 'web-{{.Task.Slot}}');
  t.is(c.stopSignal, 'SIGINT');
  t.is(c.stopGracePeriodMs, 20_000);
  t.deepEqual(c.capAdd, ['NET_ADMIN']);
  t.deepEqual(c.capDrop, ['MKNOD']);
  t.true(c.readOnly);
});

test('labels: deploy.labels on the service, labels on the container, both with the namespace', async (t) => {
  const web = (await full()).services.get('shop_web')!;
  t.deepEqual(web.labels, { 'com.example.service': 'web', ...NS });
  t.deepEqual(web.task!.container!.labels, { 'com.example.role': 'frontend', ...NS });
});

test('ports, short and long syntax', async (t) => {
  const web = (await full()).services.get('shop_web')!;
  t.deepEqual(web.endpoint?.ports, [
    { targetPort: 80, publishedPort: 8080, protocol: 'TCP', mode: 'INGRESS' },
    { targetPort: 9090, publishedPort: 0, protocol: 'TCP', mode: 'INGRESS' },
    { targetPort: 53, publishedPort: 53, protocol: 'UDP', mode: 'INGRESS' },
    { targetPort: 443, publishedPort: 8443, protocol: 'TCP', mode: 'HOST' },
  ]);
  const ranged = await planOfText('services:\n  a:\n    image: x\n    ports: ["8000-8001:80-81"]\n');
  t.deepEqual(
    ranged.services.get('shop_a')!.endpoint?.ports.map((p) => `${p.publishedPort}:${p.targetPort}`),
    ['8000:80', '8001:81'],
  );
});

test("volumes: binds from the first file's directory, tmpfs", async (t) => {
  const c = (await full()).services.get('shop_web')!.task!.container!;
  const local = { volumeDriver: '', volumeOptions: {} };
  t.deepEqual(c.mounts, [
    { type: 'bind', source: join(fixtures, 'data'), target: '/data', readOnly: true, ...local },
    { type: 'bind', source: '/var/log', target: '/logs', readOnly: false, ...local },
    { type: 'tmpfs', source: '', target: '/cache', readOnly: false, ...local },
    { type: 'tmpfs', source: '', target: '/tmp', readOnly: false, ...local },
  ]);
});

test('healthcheck: CMD, CMD-SHELL, a string, disable', async (t) => {
  const plan = await full();
  t.deepEqual(plan.services.get('shop_web')!.task!.container!.healthcheck, {
    cmd: 'wget -q http://localhost:8080/',
    intervalMs: 10_000,
    timeoutMs: 2_000,
    retries: 5,
    startPeriodMs: 30_000,
  });
  t.is(plan.services.get('shop_agent')!.task!.container!.healthcheck, null);
  const shell = await planOfText(
    'services:\n  a:\n    image: x\n    healthcheck:\n      test: ["CMD-SHELL", "test -f /ok || exit 1"]\n  b:\n    image: x\n    healthcheck:\n      test: pidof x\n',
  );
  t.like(shell.services.get('shop_a')!.task!.container!.healthcheck, {
    cmd: 'test -f /ok || exit 1',
    retries: 3,
  });
  t.like(shell.services.get('shop_b')!.task!.container!.healthcheck, { cmd: 'pidof x', intervalMs: 30_000 });
});

test('networks: stack-scoped names, the default network, network_mode host, none for host processes', async (t) => {
  const plan = await full();
  t.deepEqual(plan.services.get('shop_web')!.task!.networks, ['shop_front', 'shop_back']);
  t.deepEqual(plan.services.get('shop_worker')!.task!.networks, []);
  t.true(plan.services.get('shop_agent')!.task!.container!.hostNetwork);
  t.deepEqual(plan.networks, [
    { name: 'shop_front', external: false, subnet: '', labels: NS },
    {
      name: 'shop_back',
      external: false,
      subnet: '10.40.0.0/24',
      labels: { 'com.example.net': 'back', ...NS },
    },
  ]);
  const dflt = await planOfText('services:\n  a:\n    image: x\n');
  t.deepEqual(dflt.services.get('shop_a')!.task!.networks, ['shop_default']);
  t.deepEqual(dflt.networks, [{ name: 'shop_default', external: false, subnet: '', labels: NS }]);
  const ext = await planOfText(
    'services:\n  a:\n    image: x\n    networks: [out]\nnetworks:\n  out:\n    external: true\n    name: shared\n',
  );
  t.deepEqual(ext.services.get('shop_a')!.task!.networks, ['shared']);
  t.like(ext.networks[0], { name: 'shared', external: true });
});

test('secrets and configs: files, external ones, short and long references', async (t) => {
  const plan = await full();
  const c = plan.services.get('shop_web')!.task!.container!;
  const ref = { id: '', uid: '', gid: '', mode: 0o444, env: '' };
  t.deepEqual(c.secrets, [
    { ...ref, name: 'shop_db_password', target: '/run/secrets/db_password' },
    { ...ref, name: 'prod_tls_key', target: '/etc/ssl/key.pem', uid: '101', gid: '102', mode: 0o400 },
  ]);
  t.deepEqual(c.configs, [{ ...ref, name: 'shop_app_conf', target: '/etc/app.conf' }]);
  t.deepEqual(
    plan.secrets.map((s) => ({ ...s, data: s.data?.toString() })),
    [
      { name: 'shop_db_password', external: false, data: 's3cret', labels: NS },
      { name: 'prod_tls_key', external: true, data: undefined, labels: NS },
    ],
  );
  t.is(plan.configs[0]?.data?.toString(), 'listen 8080\n');
});

test('deploy: mode, replicas, placement, resources, restart, update and rollback', async (t) => {
  const plan = await full();
  const web = plan.services.get('shop_web')!;
  t.is(web.mode, 'replicated');
  t.deepEqual(web.replicated, { replicas: 3 });
  t.is(plan.services.get('shop_worker')!.mode, 'global');
  t.like(web.task!.placement, {
    constraints: ['node.role == worker', 'node.labels.zone != c'],
    preferences: [{ spread: 'node.labels.zone' }],
    maxReplicas: 2,
  });
  t.deepEqual(web.task!.resources, {
    reservations: { nanoCpus: 250_000_000, memoryBytes: 64 * 2 ** 20, pids: 0 },
    generic: { gpu: 1 },
    limits: { nanoCpus: 500_000_000, memoryBytes: 256 * 2 ** 20, pids: 100 },
  });
  t.deepEqual(web.task!.restart, {
    condition: 'RESTART_ON_FAILURE',
    delayMs: 2000,
    maxAttempts: 3,
    windowMs: 60_000,
  });
  t.like(web.update, {
    parallelism: 2,
    delayMs: 10_000,
    failureAction: 'FAILURE_ROLLBACK',
    monitorMs: 30_000,
    maxFailureRatio: 0.2,
    order: 'START_FIRST',
  });
  t.like(web.rollback, { parallelism: 0, failureAction: 'FAILURE_CONTINUE', order: 'STOP_FIRST' });
  t.is(plan.services.get('shop_worker')!.update, null);
  const job = await planOfText(
    'services:\n  j:\n    image: x\n    deploy: {mode: replicated-job, replicas: 4}\n',
  );
  t.like(job.services.get('shop_j'), {
    mode: 'replicatedJob',
    replicatedJob: { totalCompletions: 4, maxConcurrent: 4 },
  });
});

test('an override file changes the plan', async (t) => {
  const plan = await planOf([join(fixtures, 'compose.yml'), join(fixtures, 'override.yml')]);
  const web = plan.services.get('shop_web')!;
  t.deepEqual(web.task!.container!.args, ['httpd', '-f']);
  t.deepEqual(web.replicated, { replicas: 5 });
  t.is(web.update?.parallelism, 4);
  t.is(web.update?.order, 'START_FIRST');
  t.deepEqual(
    web.endpoint?.ports.map((p) => `${p.publishedPort}:${p.targetPort}/${p.protocol}`),
    ['0:9090/TCP', '8443:443/TCP', '8081:80/TCP', '5353:53/UDP'],
  );
  t.deepEqual(web.task!.container!.capAdd, ['NET_ADMIN', 'SYS_TIME']);
  t.deepEqual(plan.services.get('shop_extra')!.task!.container!.args, ['sleep', '10']);
});

test('unsupported keys are warnings naming the key and its place', async (t) => {
  const plan = await full();
  t.deepEqual(plan.warnings, ['unsupported key services.agent.restart in compose.yml:108: ignored']);
  const more = await planOfText(
    'services:\n  a:\n    image: x\n    build: .\n    deploy:\n      endpoint_mode: dnsrr\n      rollback_config: {monitor: 5s, wat: 1}\nvolumes:\n  data: {}\nx-mine: 1\n',
  );
  t.deepEqual(more.warnings, [
    'unsupported key services.a.build in c.yml:4: ignored',
    'services.a.deploy.endpoint_mode (c.yml:6): dnsrr is not supported: vip used',
    'unsupported key services.a.deploy.rollback_config.wat in c.yml:7: ignored',
  ]);
});

const bad = async (t: import('ava').ExecutionContext, yaml: string, message: string | RegExp) => {
  const err = await t.throwsAsync(planOfText(yaml));
  if (typeof message === 'string') t.is(err?.message, message);
  else t.regex(err?.message ?? '', message);
};

test('invalid values name the key, file and line', async (t) => {
  await bad(
    t,
    'services:\n  a:\n    image: x\n    deploy:\n      replicas: three\n',
    'invalid services.a.deploy.replicas (c.yml:5): expected a whole number from 0 to 100000, got "three"',
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    deploy:\n      resources:\n        limits:\n          memory: lots\n',
    'invalid services.a.deploy.resources.limits.memory (c.yml:7): expected a size such as 256M or 1G, got "lots"',
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    ports:\n      - "1.2.3.4:80:80"\n',
    'invalid services.a.ports[0] (c.yml:5): expected no host address (ports publish on every node), got "1.2.3.4:80:80"',
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    stop_grace_period: soon\n',
    /stop_grace_period \(c\.yml:4\): expected a duration/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    deploy: {mode: sometimes}\n',
    /deploy\.mode \(c\.yml:4\): expected replicated, global/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    deploy: {mode: global, replicas: 2}\n',
    /replicas \(c\.yml:4\): expected no replicas in global mode/,
  );
  await bad(t, 'services:\n  a:\n    environment: {A: 1}\n', /services\.a\.image: expected an image/);
  await bad(
    t,
    'services:\n  a:\n    image: x\n    networks: [nowhere]\n',
    /networks\.nowhere \(c\.yml:4\): expected a network of the top-level networks/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    secrets: [nope]\n',
    /secrets\[0\] \(c\.yml:4\): expected a secret of the top-level secrets/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: host\n    networks: [n]\nnetworks:\n  n: {}\n',
    /networks \(c\.yml:4\): expected none for the image "host"/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    cap_add: NET_ADMIN\n',
    /cap_add \(c\.yml:4\): expected a list/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    read_only: maybe\n',
    /read_only \(c\.yml:4\): expected true or false/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    deploy:\n      update_config:\n        max_failure_ratio: 2\n',
    /max_failure_ratio \(c\.yml:6\): expected a number from 0 to 1/,
  );
});

const volumeOf = (plan: StackPlan, service = 'shop_a') => plan.services.get(service)!.task!.container!.mounts;
const plain = { readOnly: false, volumeDriver: '', volumeOptions: {} };

test('named volumes, short and long syntax: the stack namespace on their names', async (t) => {
  const plan = await planOfText(
    [
      'services:',
      '  a:',
      '    image: x',
      '    volumes:',
      '      - data:/data',
      '      - data:/ro:ro',
      '      - type: volume',
      '        source: cache',
      '        target: /cache',
      '        read_only: true',
      '        volume: {nocopy: true}',
      '      - ./here:/here',
      'volumes:',
      '  data:',
      '  cache: {}',
      '',
    ].join('\n'),
  );
  const [data, ro, cache, bind] = volumeOf(plan);
  t.deepEqual(
    [data, ro, cache],
    [
      { type: 'volume', source: 'shop_data', target: '/data', ...plain },
      { type: 'volume', source: 'shop_data', target: '/ro', ...plain, readOnly: true },
      { type: 'volume', source: 'shop_cache', target: '/cache', ...plain, readOnly: true },
    ],
  );
  t.like(bind, { type: 'bind', target: '/here' });
  t.regex(bind!.source, /^\/.*\/here$/);
  t.deepEqual(plan.warnings, []);
});

test('top-level volumes: driver local and its options, name:, external volumes and their names', async (t) => {
  const plan = await planOfText(
    [
      'services:',
      '  a:',
      '    image: x',
      '    volumes: [scratch:/s, host:/h, named:/n, shared:/sh, other:/o]',
      'volumes:',
      '  scratch:',
      '    driver: local',
      '    driver_opts: {type: tmpfs, device: tmpfs, o: "size=64m,uid=1000"}',
      '  host:',
      '    driver_opts:',
      '      type: none',
      '      o: bind',
      '      device: /srv/host',
      '  named:',
      '    name: my-volume',
      '  shared:',
      '    external: true',
      '  other:',
      '    external: true',
      '    name: elsewhere',
      '',
    ].join('\n'),
  );
  t.deepEqual(volumeOf(plan), [
    {
      type: 'volume',
      source: 'shop_scratch',
      target: '/s',
      readOnly: false,
      volumeDriver: 'local',
      volumeOptions: { type: 'tmpfs', device: 'tmpfs', o: 'size=64m,uid=1000' },
    },
    {
      type: 'volume',
      source: 'shop_host',
      target: '/h',
      readOnly: false,
      volumeDriver: '',
      volumeOptions: { type: 'none', o: 'bind', device: '/srv/host' },
    },
    { type: 'volume', source: 'my-volume', target: '/n', ...plain },
    { type: 'volume', source: 'shared', target: '/sh', ...plain },
    { type: 'volume', source: 'elsewhere', target: '/o', ...plain },
  ]);
});

test('volume labels and nocopy: false are warnings naming the key and its place', async (t) => {
  const plan = await planOfText(
    [
      'services:',
      '  a:',
      '    image: x',
      '    volumes:',
      '      - {type: volume, source: data, target: /d, volume: {nocopy: false}}',
      'volumes:',
      '  data:',
      '    labels: [com.example.kind=db]',
      '',
    ].join('\n'),
  );
  t.deepEqual(plan.warnings, [
    'volumes.data.labels (c.yml:8): volumes keep no labels: ignored',
    "services.a.volumes[0].volume.nocopy (c.yml:5): volumes start empty, the image's files at the target are not copied in",
  ]);
});

test('named volumes: undeclared, anonymous, another driver, unknown options are errors naming file, line and key', async (t) => {
  await bad(
    t,
    'services:\n  a:\n    image: x\n    volumes: ["data:/data"]\n',
    'invalid services.a.volumes[0] (c.yml:4): expected a volume of the top-level volumes (data is not declared there), got "data:/data"',
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    volumes:\n      - type: volume\n        source: data\n        target: /d\n',
    /^invalid services\.a\.volumes\[0\] \(c\.yml:5\): expected a volume of the top-level volumes \(data is not declared there\)/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    volumes: ["/anonymous"]\n',
    /volumes\[0\] \(c\.yml:4\): expected a bind .*anonymous volumes are not supported/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    volumes: ["d:/d"]\nvolumes:\n  d:\n    driver: nfs\n',
    /^invalid volumes\.d\.driver \(c\.yml:7\): expected local \(the one volume driver/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    volumes: ["d:/d"]\nvolumes:\n  d:\n    driver_opts: {size: 1g}\n',
    /^invalid volumes\.d\.driver_opts\.size \(c\.yml:7\): expected one of the local driver's options type, device, o/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    volumes: ["d:/d"]\nvolumes:\n  d:\n    driver_opts: {type: none, device: /srv}\n',
    /^invalid volumes\.d\.driver_opts\.o: expected bind/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\nvolumes:\n  d:\n    external: true\n    driver_opts: {type: tmpfs}\n',
    /^invalid volumes\.d \(c\.yml:5\): expected no driver or driver_opts with external: true/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\nvolumes:\n  d:\n    name: "no/slash"\n',
    /^invalid volumes\.d \(c\.yml:5\): expected a volume name .*got "no\/slash"/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\n    volumes:\n      - {type: bind, source: /x, target: /d, volume: {nocopy: true}}\n',
    /volumes\[0\]\.volume \(c\.yml:5\): expected none but for type: volume/,
  );
});

test('a secret needs a file or external, and its file must be readable', async (t) => {
  await bad(
    t,
    'services:\n  a:\n    image: x\nsecrets:\n  s: {}\n',
    /secrets\.s \(c\.yml:5\): expected either file: PATH or external: true/,
  );
  await bad(
    t,
    'services:\n  a:\n    image: x\nsecrets:\n  s:\n    file: ./missing\n',
    /^secrets\.s\.file \(c\.yml:6\): cannot read .*missing/,
  );
});

test('shell words and stack names', (t) => {
  t.deepEqual(shellWords(`sh -c 'echo "a b"' x\\ y "q\\"q"`), ['sh', '-c', 'echo "a b"', 'x y', 'q"q']);
  t.notThrows(() => checkStackName('shop-2_a'));
  t.throws(() => checkStackName('Shop'), { message: /invalid stack name "Shop"/ });
});

test('the spec compared with a stored one: unset equals empty, file reference ids do not count', async (t) => {
  const web = (await full()).services.get('shop_web')!;
  const c = web.task!.container!;
  const stored = JSON.parse(JSON.stringify(web)) as typeof web;
  stored.task!.container!.secrets = c.secrets.map((s, i) => ({ ...s, id: `id${i}` }));
  stored.update = { ...stored.update!, canary: undefined as unknown as number };
  t.true(sameSpec(web, stored));
  t.false(sameSpec(web, { ...stored, replicated: { replicas: 4 } }));
  t.deepEqual(normalised({ a: [], b: {}, c: 0, d: '', e: null, f: { g: 1 } }), { f: { g: 1 } });
});
