import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ProcessDriver } from '../../../runtime/process/index.js';

test("a process task's spec, which holds its env, is readable by the agent alone", async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'flotilla-process-files-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const driver = new ProcessDriver({ root });
  const id = await driver.create({
    image: 'host',
    command: ['true'],
    env: { PASSWORD: 'hunter2' },
    labels: {},
  });
  await driver.close();
  t.deepEqual((await readdir(join(root, id))).sort(), ['spec.json', 'stderr.log', 'stdout.log']);
  t.is((await stat(join(root, id, 'spec.json'))).mode & 0o777, 0o600);
});
