/** `service ls`, `service ps` and `service inspect`, through the commands' own definitions. */
import test from 'ava';
import { serviceCommands } from '../../../cli/commands/service/index.js';
import type { ServiceSummary } from '../../../proto/gen/flotilla/ServiceSummary.js';
import type { Service } from '../../../proto/types.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';
import { runCommand, type Answers, type Register } from './cli-kit.js';

const services: Register = serviceCommands;

const web = makeService(makeSpec({ name: 'web', labels: { tier: 'front' } }, 3), 'svc-web-aaaaaaaaaaaaaaaa');
web.endpoint = { ports: [{ targetPort: 80, publishedPort: 8080, protocol: 'TCP', mode: 'INGRESS' }] };
const agent = makeService(
  makeSpec({ name: 'agent', labels: { tier: 'ops' }, mode: 'global', replicated: undefined, global: {} }),
  'svc-agent-bbbbbbbbbbbbbb',
);
const batch = makeService(
  makeSpec({
    name: 'batch',
    mode: 'replicatedJob',
    replicated: undefined,
    replicatedJob: { totalCompletions: 4, maxConcurrent: 2 },
  }),
  'svc-batch-cccccccccccccc',
);
const summary = (service: Service, running: number, desired: number): ServiceSummary => ({
  service,
  runningTasks: running,
  desiredTasks: desired,
});
const done = makeTask(batch, { status: makeStatus('COMPLETE') });
const ANSWERS: Answers = {
  ListServices: { services: [summary(web, 2, 3), summary(batch, 1, 4), summary(agent, 2, 2)] },
  ListTasks: { tasks: [done], nodes: [] },
};

const run = async (answers: Answers, ...args: string[]) => (await runCommand(services, answers, args)).stdout;
const ids = (...filters: string[]) =>
  run(ANSWERS, 'service', 'ls', '-q', ...filters.flatMap((f) => ['-f', f]));

test.serial('service ls: the table, sorted by name; a job`s replicas are its completions', async (t) => {
  const lines = (await run(ANSWERS, 'service', 'ls')).split('\n');
  t.regex(lines[0]!, /^ID\s+NAME\s+MODE\s+REPLICAS\s+IMAGE\s+PORTS$/);
  t.regex(lines[1]!, /^svc-agent-bb\s+agent\s+global\s+2\/2\s+host$/);
  t.regex(lines[2]!, /^svc-batch-cc\s+batch\s+replicated-job\s+1\/4 completed\s+host$/);
  t.regex(lines[3]!, /^svc-web-aaaa\s+web\s+replicated\s+2\/3\s+host\s+\*:8080->80\/tcp$/);
});

test.serial('service ls -q and --filter: name, id, label, mode', async (t) => {
  t.is(await ids(), [agent.id, batch.id, web.id].join('\n'));
  t.is(await ids('name=we'), web.id);
  t.is(await ids('id=svc-b'), batch.id);
  t.is(await ids('label=tier'), [agent.id, web.id].join('\n'));
  t.is(await ids('label=tier=ops'), agent.id);
  t.is(await ids('mode=global'), agent.id);
  t.is(await ids('mode=replicated-job', 'mode=replicated'), [batch.id, web.id].join('\n'));
  t.is(await ids('mode=replicated', 'label=tier=ops'), '');
  const err = await t.throwsAsync(ids('mode=daemon'));
  t.regex(
    err?.message ?? '',
    /^invalid --filter mode: expected replicated, global, replicated-job, global-job/,
  );
  const key = await t.throwsAsync(ids('runtime=x'));
  t.regex(key?.message ?? '', /expected a key among id, name, label, mode, got "runtime"/);
});

test.serial('service ls --format json: summary rows, not whole services', async (t) => {
  const rows = JSON.parse(await run(ANSWERS, 'service', 'ls', '--format', 'json', '-f', 'name=web'));
  t.deepEqual(rows, [
    { ID: web.id, Name: 'web', Mode: 'replicated', Replicas: '2/3', Image: 'host', Ports: '*:8080->80/tcp' },
  ]);
  const raw = JSON.parse(await run(ANSWERS, 'service', 'ls', '--format', 'raw', '-f', 'name=web'));
  t.is(raw[0].service.spec.name, 'web', 'raw: the summaries whole, as before');
  t.is(raw[0].desiredTasks, 3);
});

test.serial('service ls --format: templates, with and without a table header', async (t) => {
  t.is(
    await run(ANSWERS, 'service', 'ls', '--format', '{{.Name}}={{.Replicas}}'),
    'agent=2/2\nbatch=1/4 completed\nweb=2/3',
  );
  t.is(
    await run(ANSWERS, 'service', 'ls', '--format', 'table {{.Name}}\\t{{upper .Mode}}', '-f', 'mode=global'),
    'NAME    MODE\nagent   GLOBAL',
  );
  const err = await t.throwsAsync(run(ANSWERS, 'service', 'ls', '--format', '{{.Replicas}} {{.Node}}'));
  t.is(
    err?.message,
    'invalid --format: expected a field among .ID, .Name, .Mode, .Replicas, .Image, .Ports, got ".Node"',
  );
});

test.serial('service ps: the tasks of the services named, -q, --filter and --format', async (t) => {
  const node = makeNode({ id: 'node-1-xxxxxxxxxxxxxxxx' });
  node.description!.hostname = 'n1';
  const running = makeTask(web, { id: 'task-1', slot: 1, nodeId: node.id, status: makeStatus('RUNNING') });
  const stopped = makeTask(web, { id: 'task-2', slot: 2, nodeId: node.id, desiredState: 'SHUTDOWN' });
  const answers = { ListTasks: { tasks: [running, stopped], nodes: [node] } };
  const ps = await runCommand(services, answers, [
    'service',
    'ps',
    'web',
    '-q',
    '-f',
    'desired-state=running',
  ]);
  t.deepEqual(ps.requests.ListTasks, [{ services: ['web'], nodes: [], limit: 1000, pageToken: '' }]);
  t.is(ps.stdout, 'task-1');
  t.is(
    await run(answers, 'service', 'ps', 'web', '--format', '{{.Name}} {{.Node}} {{.DesiredState}}'),
    'web.1 n1 Running\nweb.2 n1 Shutdown',
  );
  t.regex(
    await run(answers, 'service', 'ps', 'web'),
    /^ID\s+NAME\s+NODE\s+DESIRED STATE\s+CURRENT STATE\s+ERROR\ntask-1\s+web\.1\s+n1\s+Running\s+Running/,
  );
});

const inspected = makeService(
  makeSpec(
    {
      name: 'api',
      labels: { team: 'core' },
      update: {
        parallelism: 2,
        delayMs: 10_000,
        failureAction: 'FAILURE_ROLLBACK',
        monitorMs: 5000,
        maxFailureRatio: 0.1,
        order: 'START_FIRST',
        canary: 0,
        autoPromote: false,
        timeoutMs: 600_000,
      },
    },
    2,
  ),
  'svc-api-dddddddddddddddd',
);
inspected.spec!.task!.placement = {
  constraints: ['node.labels.zone==b'],
  preferences: [{ spread: 'node.labels.rack' }],
  maxReplicas: 1,
  strategy: 'SPREAD',
  affinities: [],
  antiAffinities: [],
};
inspected.spec!.task!.container!.secrets = [
  {
    id: 's1',
    name: 'db_password',
    target: '/run/secrets/db_password',
    uid: '0',
    gid: '0',
    mode: 0o400,
    env: '',
  },
];
inspected.spec!.task!.container!.env = ['MODE=prod'];
inspected.meta = { version: 5, createdAt: Date.UTC(2026, 0, 2, 3, 4, 5), updatedAt: 0 };
inspected.endpoint = { ports: [{ targetPort: 80, publishedPort: 8080, protocol: 'TCP', mode: 'INGRESS' }] };
const GET = { GetService: { service: inspected, unplaced: [] } };

test.serial('service inspect: JSON, times in ISO 8601', async (t) => {
  const out = await run(GET, 'service', 'inspect', 'api');
  const [shown] = JSON.parse(out);
  t.is(shown.meta.createdAt, '2026-01-02T03:04:05.000Z');
  t.is(shown.meta.updatedAt, null);
  t.deepEqual(shown.unplaced, []);
  t.is(
    shown.spec.task.container.stopGracePeriodMs,
    inspected.spec!.task!.container!.stopGracePeriodMs,
    'durations stay',
  );
});

test.serial('service inspect --pretty: the service as text', async (t) => {
  const out = await run(GET, 'service', 'inspect', '--pretty', 'api');
  const value = (key: string) => out.match(new RegExp(`^\\s*${key}:\\s+(.*)$`, 'm'))?.[1];
  t.is(value('ID'), inspected.id);
  t.is(value('Name'), 'api');
  t.is(value('team'), 'core');
  t.is(value('Service Mode'), 'Replicated');
  t.is(value('Replicas'), '2');
  t.is(value('Constraints'), 'node.labels.zone==b');
  t.is(value('Preferences'), 'spread=node.labels.rack');
  t.is(value('Max Replicas Per Node'), '1');
  t.regex(
    out,
    /^UpdateConfig:\n Parallelism:\s+2\n Delay:\s+10s\n On failure:\s+rollback\n Monitoring Period:\s+5s\n Max failure ratio:\s+0\.1\n Order:\s+start-first\n Timeout:\s+10m$/m,
  );
  t.is(value('Image'), 'host');
  t.is(value('Args'), 'sleep 1000');
  t.is(value('Env'), 'MODE=prod');
  t.regex(
    out,
    /^Secrets:\n Target:\s+\/run\/secrets\/db_password\n {2}Source:\s+db_password\n {2}Mode:\s+0400$/m,
  );
  t.regex(out, /^Ports:\n Port:\s+\*:8080->80\/tcp\n Balancing:\s+round-robin$/m);
  const two = await run(GET, 'service', 'inspect', '--pretty', 'api', 'api');
  t.is(two, `${out}\n\n${out}`);
});
