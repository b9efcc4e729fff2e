/**
 * Listings read page by page: `service ps`, `node ps` and `service ls` follow every
 * next_page_token, and `--limit N` shows N rows, asking no further than it takes.
 */
import test from 'ava';
import { isFlotillaError } from '../../../lib/errors.js';
import { serviceListCommand } from '../../../cli/service-listing.js';
import { taskListCommand } from '../../../cli/task-listing.js';
import type { ControlClient } from '../../../proto/gen/flotilla/Control.js';
import type { ServiceSummary } from '../../../proto/gen/flotilla/ServiceSummary.js';
import type { Task } from '../../../proto/types.js';
import { makeNode, makeService, makeSpec, makeStatus, makeTask } from '../helpers.js';
import { runCommand, type Register } from './cli-kit.js';

const node = makeNode();
const web = makeService(makeSpec({ name: 'web' }));
const tasks: Task[] = Array.from({ length: 10 }, (_, i) =>
  makeTask(web, {
    slot: i + 1,
    nodeId: node.id,
    desiredState: i % 2 ? 'SHUTDOWN' : 'RUNNING',
    status: makeStatus(i % 2 ? 'SHUTDOWN' : 'RUNNING'),
  }),
).sort((a, b) => (a.id < b.id ? -1 : 1));

/** A manager that answers 3 rows a page whatever the limit asked (fewer is allowed). */
function pagesOf<T extends { id: string }>(rows: T[]) {
  return (req: { limit: number; pageToken: string }) => {
    const start = req.pageToken ? Number(req.pageToken) : 0;
    const end = Math.min(start + Math.min(3, req.limit), rows.length);
    return { page: rows.slice(start, end), nextPageToken: end < rows.length ? String(end) : '' };
  };
}
const taskPages = pagesOf(tasks);
const ListTasks = (req: { limit: number; pageToken: string }) => {
  const { page, nextPageToken } = taskPages(req);
  return { tasks: page, nodes: [node], nextPageToken };
};

const ps: Register = (program, connect) =>
  taskListCommand(program.command('ps').argument('<service...>'), connect, 'services');
const nodePs: Register = (program, connect) =>
  taskListCommand(program.command('ps').argument('<node...>'), connect, 'nodes');
const ls: Register = (program, connect: () => ControlClient) =>
  serviceListCommand(program.command('ls'), connect);

test.serial('service ps and node ps read every page', async (t) => {
  for (const register of [ps, nodePs]) {
    const run = await runCommand(register, { ListTasks }, ['ps', 'web', '-q']);
    t.deepEqual(run.stdout.split('\n').sort(), tasks.map((x) => x.id).sort());
    t.is(run.requests.ListTasks?.length, 4);
  }
});

test.serial('--limit N: N rows, the first by id that pass the filters, and no page more', async (t) => {
  const four = await runCommand(ps, { ListTasks }, ['ps', 'web', '-q', '--limit', '4']);
  t.deepEqual(
    four.stdout.split('\n').sort(),
    tasks.slice(0, 4).map((x) => x.id),
  );
  t.is(four.requests.ListTasks?.length, 2);

  const running = await runCommand(ps, { ListTasks }, [
    'ps',
    'web',
    '-q',
    '--limit',
    '3',
    '--filter',
    'desired-state=running',
  ]);
  const expected = tasks.filter((x) => x.desiredState === 'RUNNING').slice(0, 3);
  t.deepEqual(running.stdout.split('\n').sort(), expected.map((x) => x.id).sort());
});

test.serial(
  '--limit that is not a whole number of rows above 0 is refused before anything is asked',
  async (t) => {
    for (const limit of ['0', '-1', 'x', '1.5']) {
      const err = await t.throwsAsync(runCommand(ps, { ListTasks }, ['ps', 'web', '--limit', limit]));
      t.true(isFlotillaError(err, 'INVALID_ARGUMENT'));
      t.regex(err!.message, /--limit/);
    }
  },
);

test.serial('service ls reads every page, and a job`s completions from its own tasks only', async (t) => {
  const services: ServiceSummary[] = Array.from({ length: 7 }, (_, i) => ({
    service: makeService(makeSpec({ name: `s${i}` })),
    runningTasks: 1,
    desiredTasks: 1,
  })).sort((a, b) => (a.service!.id < b.service!.id ? -1 : 1));
  const servicePages = pagesOf(services.map((s) => ({ ...s, id: s.service!.id })));
  const ListServices = (req: { limit: number; pageToken: string }) => {
    const { page, nextPageToken } = servicePages(req);
    return { services: page.map(({ id: _, ...s }) => s), nextPageToken };
  };
  const all = await runCommand(ls, { ListServices }, ['ls', '-q']);
  t.is(all.stdout.split('\n').length, 7);
  t.is(all.requests.ListTasks, undefined);
  const two = await runCommand(ls, { ListServices }, ['ls', '-q', '--limit', '2']);
  t.deepEqual(
    two.stdout.split('\n').sort(),
    services.slice(0, 2).map((s) => s.service!.id),
  );
});
