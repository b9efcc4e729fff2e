/**
 * `cluster lab`: a cluster of three hosts, each a network namespace, partitioned, healed,
 * a host killed and restarted, and the lab taken down without a trace.
 */
import { SYSTEM_PATH } from '../../runtime/run-captured.js';
import test from 'ava';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eventually } from '../integration/cluster-harness.js';
import { mountsUnder, processesMentioning, skippedBecause } from '../integration/host-tools.js';
import { labMissing, TestLab } from './lab-kit.js';

const run = promisify(execFile);
const testLab = new TestLab();
const { name } = testLab;
const lab = (command: string, ...args: string[]) => testLab.run(command, ...args);
const states = () => testLab.states();
const hostIs = (host: string, state: string) => testLab.hostIs(host, state);
const labState = () => testLab.state();

/** The system's tools: on npm's PATH, node_modules/.bin/nft is another program. */
const system = (tool: string, ...args: string[]) =>
  run(tool, args, {
    env: { ...process.env, PATH: SYSTEM_PATH },
  });

const reason = await labMissing();
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
