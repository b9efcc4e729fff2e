/**
 * `cluster lab`: a cluster of three hosts, each a network namespace, partitioned, healed,
 * a host killed and restarted, and the lab taken down without a trace.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Lab } from '../../cli/lab/state.js';
import type { Node } from '../../proto/types.js';
import { eventually, runCli } from '../integration/cluster-harness.js';
import { mountsUnder, processesMentioning, skippedBecause } from '../integration/host-tools.js';
import { requireTools } from '../../cli/lab/hosts.js';

const run = promisify(execFile);
const name = `lt${randomBytes(4).toString('hex')}`;

async function missing(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'cluster lab needs root (network namespaces)';
  return requireTools(['ip', 'nft', 'nsenter']).then(
    () => undefined,
    (err: Error) => err.message,
  );
}

/** The system's tools: on npm's PATH, node_modules/.bin/nft is another program. */
const system = (tool: string, ...args: string[]) =>
  run(tool, args, {
    env: { ...process.env, PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
  });

const lab = (command: string, ...args: string[]) => runCli(['lab', command, '--name', name, ...args]);

/** Each node's state (READY, DOWN) by hostname, as m1 reports it. */
async function states(): Promise<Record<string, string>> {
  const res = await lab('exec', 'm1', '--', 'cluster', 'node', 'ls', '--format', 'json');
  if (res.code !== 0) throw new Error(res.stderr);
  const nodes = JSON.parse(res.stdout) as Node[];
  return Object.fromEntries(nodes.map((n) => [n.description?.hostname ?? '', n.status?.state ?? '']));
}

const hostIs = (host: string, state: string) =>
  eventually(`${host} ${state}`, async () => (await states())[host] === state);

async function labState(): Promise<Lab | undefined> {
  const res = await runCli(['lab', 'ls', '--format', 'json']);
  return (JSON.parse(res.stdout) as Lab[]).find((l) => l.name === name);
}

const reason = await missing();
if (reason) {
  skippedBecause(test, 'cluster lab', reason);
} else {
  test.before(async () => {
    const up = await lab('up', '--managers', '1', '--workers', '2', '--dispatcher-heartbeat', '1s');
    if (up.code !== 0) throw new Error(`lab up failed: ${up.stderr}`);
  });

  test.after.always(async () => {
    if (await labState()) await lab('down');
  });

  test.serial(
    'lab up: three hosts whose nodes are Ready; a second lab of that name is refused',
    async (t) => {
      await eventually('3 Ready nodes', async () => {
        const s = await states();
        return Object.keys(s).length === 3 && Object.values(s).every((state) => state === 'READY');
      });
      t.deepEqual(Object.keys(await states()).sort(), ['m1', 'w1', 'w2']);
      const again = await lab('up');
      t.is(again.code, 1);
      t.true(again.stderr.includes(`\`cluster lab down --name ${name}\` first`), again.stderr);
    },
  );

  test.serial('partition: m1 sees w2 Down; heal: Ready again', async (t) => {
    t.is((await lab('partition', 'w2', '/', 'm1,w1')).code, 0);
    await hostIs('w2', 'DOWN');
    t.is((await states()).w1, 'READY');
    t.is((await lab('heal')).code, 0);
    await hostIs('w2', 'READY');
  });

  test.serial('kill: the host is Down; restart: Ready again', async (t) => {
    t.is((await lab('kill', 'w2')).code, 0);
    await hostIs('w2', 'DOWN');
    const restart = await lab('restart', 'w2');
    t.is(restart.code, 0, restart.stderr);
    await hostIs('w2', 'READY');
  });

  test.serial('down leaves no namespace, link, nft table, process, mount or state file', async (t) => {
    const state = await labState();
    if (!state) return t.fail('the lab is gone before down');
    const down = await lab('down');
    t.is(down.code, 0, down.stderr);
    const { stdout: namespaces } = await system('ip', 'netns', 'list');
    t.false(namespaces.includes(`flab-${name}-`), namespaces);
    const { stdout: links } = await system('ip', '-o', 'link', 'show');
    for (const link of [state.bridge, ...state.hosts.map((h) => h.veth)]) t.false(links.includes(link), link);
    const { stdout: tables } = await system('nft', 'list', 'tables');
    t.false(tables.includes('flotilla_lab'), tables);
    t.deepEqual(await processesMentioning(state.dir), []);
    t.deepEqual(await mountsUnder(state.dir), []);
    t.false(existsSync(state.dir));
    t.is(await labState(), undefined);
    t.false(existsSync(`/run/flotilla-lab/${name}.json`));
  });
}
